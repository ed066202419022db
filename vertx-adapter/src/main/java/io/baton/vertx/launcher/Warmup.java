package io.baton.vertx.launcher;

import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.SetDataTxn;
import io.baton.vertx.api.JsonWire;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.LoggerFactory;

/**
 * Loads and initializes, on threads of their own, the libraries the node's start needs that the
 * launcher's own start-up work (logging, Vert.x, the admin face) does not touch: Chronicle Queue (by
 * appending to a throwaway log in a temporary directory, deleted at once; it waits until logging is
 * configured, as Chronicle logs as it loads) on one, and on another Avro with Baton's schemas, the
 * JSON codec of bridge frames ({@link JsonWire}), and the HMAC and random source of session
 * secrets. Chronicle's first open is the longest (several hundred classes and JNA's native library;
 * the launcher spares it jnr-ffi's bindings, see {@link Main#noChronicleNativePosix}); it starts as
 * soon as logging is ready instead of after Avro (measured on 2 cores: an empty node
 * ready in 2.9 s instead of 3.9 s with one warm-up thread after main; see docs/bench/README.md for
 * the later figures). The launcher waits for both before it deploys the node, so no class is
 * initialized from two threads at once.
 */
final class Warmup {
  private final CountDownLatch loggingReady = new CountDownLatch(1);
  private final CompletableFuture<Void> chronicle = new CompletableFuture<>();
  private final CompletableFuture<Void> codecs = new CompletableFuture<>();

  private Warmup() {
  }

  /** Starts the warm-up threads. */
  static Warmup start() {
    Warmup w = new Warmup();
    thread(w::chronicle, "baton-warmup");
    thread(w::codecs, "baton-warmup-codecs");
    return w;
  }

  private static void thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** Logging is configured: Chronicle, which logs as it loads, may start. */
  void loggingReady() {
    loggingReady.countDown();
  }

  /** Waits until the warm-up is over (it never fails: the node's start does the same work again). */
  void await() {
    CompletableFuture.allOf(chronicle, codecs).join();
  }

  private static LogEntry entry() {
    return new LogEntry(1L, 0L, new SetDataTxn("/", ByteBuffer.allocate(0), 0));
  }

  private void codecs() {
    try {
      new io.baton.core.log.LogCodec().encode(entry());
      JsonWire.decodeObject(JsonWire.encode(new JsonObject().put("op", "getData").put("v", 1))).getString("op");
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
      mac.doFinal(new byte[8]);
      new SecureRandom().nextBytes(new byte[16]); // a new node's session key (SessionSecrets)
    } catch (Exception | LinkageError e) {
      LoggerFactory.getLogger(Warmup.class).debug("warm-up failed", e);
    } finally {
      codecs.complete(null);
    }
  }

  private void chronicle() {
    Path dir = null;
    try {
      loggingReady.await();
      dir = tempDirectory();
      try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
        log.append(entry());
      }
    } catch (Exception | LinkageError e) {
      LoggerFactory.getLogger(Warmup.class).debug("warm-up failed", e);
    } finally {
      delete(dir);
      chronicle.complete(null);
    }
    sweepStale();
  }

  /**
   * Deletes the throwaway directories of warm-ups whose process is gone (one that stopped during its
   * warm-up: a bad flag, kill -9), after this one's work, off the start's path.
   */
  private static void sweepStale() {
    try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      entries.filter(p -> {
        String[] parts = p.getFileName().toString().split("-");
        if (parts.length != 4 || !p.getFileName().toString().startsWith(PREFIX)) {
          return false;
        }
        try {
          return ProcessHandle.of(Long.parseLong(parts[2])).isEmpty();
        } catch (NumberFormatException notOurs) {
          return false;
        }
      }).forEach(Warmup::delete);
    } catch (IOException | RuntimeException ignored) {
      // best effort: a temporary directory
    }
  }

  private static final String PREFIX = "baton-warmup-";

  /**
   * A new directory under {@code java.io.tmpdir}, named without {@link Files#createTempDirectory}'s
   * random name (its first use initializes {@code SecureRandom}, 50-80 ms on this thread's path; the
   * codecs thread does that meanwhile; the pid in the name lets a later start delete it if this process
   * stops before it does). Created, never reused: a name taken makes a random one.
   */
  private static Path tempDirectory() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try {
      String name = PREFIX + ProcessHandle.current().pid() + "-" + (System.nanoTime() & Long.MAX_VALUE);
      return Files.createDirectory(tmp.resolve(name));
    } catch (FileAlreadyExistsException taken) {
      return Files.createTempDirectory("baton-warmup");
    }
  }

  /** Deletes a temporary directory and what it holds (best effort); null does nothing. */
  static void delete(Path dir) {
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
