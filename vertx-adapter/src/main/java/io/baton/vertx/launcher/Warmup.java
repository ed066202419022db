package io.baton.vertx.launcher;

import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.SetDataTxn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * Loads and initializes, on a thread of its own, the libraries the node's start needs that the
 * launcher's own start-up work (Vert.x, the admin face) does not touch: Avro with Baton's schemas,
 * and Chronicle Queue (by appending to a throwaway log in a temporary directory, deleted at once).
 * Both then run side by side on a machine with more than one core (measured: an empty node ready in
 * 2.9 s instead of 3.9 s on 2 cores). The launcher waits for it before it deploys the node, so no
 * class is initialized from two threads at once; Chronicle waits until logging is configured.
 */
final class Warmup {
  private final CountDownLatch loggingReady = new CountDownLatch(1);
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private Warmup() {
  }

  /** Starts the warm-up thread. */
  static Warmup start() {
    Warmup w = new Warmup();
    Thread t = new Thread(w::run, "baton-warmup");
    t.setDaemon(true);
    t.start();
    return w;
  }

  /** Logging is configured: Chronicle, which logs as it loads, may start. */
  void loggingReady() {
    loggingReady.countDown();
  }

  /** Waits until the warm-up is over (it never fails: the node's start does the same work again). */
  void await() {
    done.join();
  }

  private void run() {
    Path dir = null;
    try {
      LogEntry entry = new LogEntry(1L, 0L, new SetDataTxn("/", ByteBuffer.allocate(0), 0));
      new io.baton.core.log.LogCodec().encode(entry);
      loggingReady.await();
      dir = Files.createTempDirectory("baton-warmup");
      try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
        log.append(entry);
      }
    } catch (Exception | LinkageError e) {
      LoggerFactory.getLogger(Warmup.class).debug("warm-up failed", e);
    } finally {
      delete(dir);
      done.complete(null);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory
    }
  }
}
