package io.baton.core.server;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.session.SessionTable;
import io.baton.core.snapshot.ImageWriter;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.TreeCapture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots of the applied state: captured on the owner thread a slice at a time, written and
 * retained on a worker, then the log is purged behind the oldest snapshot kept. Automatic every
 * {@code snapshotEveryEntries} applied entries; asked for by clients through the
 * {@link ClientSnapshotPolicy}. Whatever fails, the failure is logged once and answered SystemError,
 * and the in-flight state is cleared (once an abandoned file is removed), so the next snapshot can run.
 * Owner thread only.
 */
final class Snapshotter {
  private static final Logger LOG = LoggerFactory.getLogger(Snapshotter.class);

  private final CoordinatorConfig config;
  private final Scheduler scheduler;
  private final SnapshotStore store;
  private final ChronicleTxnLog log;
  private final DataTree tree;
  private final SessionTable sessions;
  private final List<CoordinatorListener> listeners;
  private final BooleanSupplier closed;
  private final ClientSnapshotPolicy policy;
  private final Supplier<NodeObserver> observer;
  /** A capture slice ends after this long ... */
  static final long SLICE_NANOS = 1_000_000;
  /** ... and the next one starts this many milliseconds after the previous one started. */
  static final long SLICE_PERIOD_MS = 2;
  /** Work between checks of a slice's clock: about a node, or a KiB of data, each ({@link TreeCapture#step}). */
  private static final int SLICE_UNITS = 256;
  /** How long a closing node waits for a snapshot's file work to end. */
  private static final long CLOSE_WAIT_MS = 5_000;
  private boolean inFlight;
  /** The capture under way, if any. */
  private Capturing capturing;
  /** The writer of the latest snapshot (its file work may still go on). */
  private ImageWriter lastWriter;
  private long appliedSince;

  Snapshotter(CoordinatorConfig config, Scheduler scheduler, SnapshotStore store, ChronicleTxnLog log, DataTree tree,
              SessionTable sessions, List<CoordinatorListener> listeners, BooleanSupplier closed,
              Supplier<NodeObserver> observer) {
    this.observer = observer;
    this.config = config;
    this.scheduler = scheduler;
    this.store = store;
    this.log = log;
    this.tree = tree;
    this.sessions = sessions;
    this.listeners = listeners;
    this.closed = closed;
    this.policy = new ClientSnapshotPolicy(config.limits());
  }

  /** The entry {@code zxid} was applied: takes the automatic snapshot when it is due. */
  void applied(long zxid) {
    appliedSince++;
    if (config.snapshotEveryEntries() > 0 && appliedSince >= config.snapshotEveryEntries() && !inFlight
        && !closed.getAsBoolean()) {
      take(zxid, (z, e) -> {
      });
    }
  }

  /** A snapshot asked for by a client, if the {@link ClientSnapshotPolicy} allows it now. */
  void request(long zxid, Completion<Long> done) {
    if (inFlight) {
      done.complete(null, new BatonException(ErrorCode.NOT_READY, "a snapshot is already being written"));
      return;
    }
    BatonException refused = policy.admit(System.nanoTime());
    if (refused != null) {
      LOG.info("refused a client's snapshot: {}", refused.getMessage());
      done.complete(null, refused);
      return;
    }
    take(zxid, done);
  }

  /**
   * Takes a snapshot of the state applied up to {@code zxid} now; completes with its zxid once it is
   * on disk. The tree is captured a slice at a time ({@link #SLICE_NANOS} every {@link #SLICE_PERIOD_MS}),
   * so requests keep being served while a large tree is captured, and each chunk is written to the file
   * on a worker as it fills, so the image never lies whole on the heap. A slice ends early while the
   * writer is behind ({@link ImageWriter#backlogged}).
   */
  void take(long zxid, Completion<Long> done) {
    if (inFlight) {
      done.complete(null, new BatonException(ErrorCode.NOT_READY, "a snapshot is already being written"));
      return;
    }
    inFlight = true;
    appliedSince = 0;
    long start = System.nanoTime();
    ImageWriter writer = store.writer(zxid, scheduler::runBlocking);
    SnapshotStore.Capture capture;
    try {
      capture = SnapshotStore.begin(zxid, tree, sessions, writer);
    } catch (RuntimeException | Error e) {
      abandon(writer);
      captureFailed(zxid, e, done);
      if (e instanceof Error error) {
        throw error;
      }
      return;
    }
    for (CoordinatorListener l : listeners) {
      l.snapshotCaptured(zxid);
    }
    lastWriter = writer;
    Capturing first = new Capturing(zxid, capture, writer, start, done);
    first.next();
    if (!first.ended) {
      capturing = first;
      first.timer = scheduler.periodic(SLICE_PERIOD_MS, first::next);
    }
  }

  /**
   * The node is closing: ends a capture under way (answered SystemError) and waits, up to
   * {@link #CLOSE_WAIT_MS}, for the snapshot's file work to end, so that nothing is written in the data
   * directory once the node lets it go. Owner thread; blocking.
   */
  void close() {
    Capturing c = capturing;
    if (c != null && !c.ended) {
      c.end();
      c.stop();
      c.done.complete(null, new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot abandoned: the node is closing"));
    }
    ImageWriter w = lastWriter;
    try {
      if (w != null && !w.awaitEnd(CLOSE_WAIT_MS)) {
        LOG.warn("closing while a snapshot's file is still being written (waited {} ms)", CLOSE_WAIT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A snapshot whose tree is being captured, a slice per tick of its timer. */
  private final class Capturing {
    private final long zxid;
    private final SnapshotStore.Capture capture;
    private final ImageWriter writer;
    private final long start;
    private final Completion<Long> done;
    private AutoCloseable timer;
    private boolean ended;

    Capturing(long zxid, SnapshotStore.Capture capture, ImageWriter writer, long start, Completion<Long> done) {
      this.zxid = zxid;
      this.capture = capture;
      this.writer = writer;
      this.start = start;
      this.done = done;
    }

    /** The first slice, then a tick of the timer each: the timer is cancelled once the capture ended (a tick may still come). */
    void next() {
      if (ended) {
        return;
      }
      boolean end = true;
      try {
        end = slice();
      } finally {
        if (end) {
          end();
        }
      }
    }

    void end() {
      ended = true;
      if (capturing == this) {
        capturing = null;
      }
      if (timer != null) {
        closeQuietly(timer);
      }
    }

    /** Captures for up to {@link Snapshotter#SLICE_NANOS}; true once the capture ended (finished, or failed). */
    boolean slice() {
      if (closed.getAsBoolean()) {
        stop();
        done.complete(null, new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot abandoned: the node is closing"));
        return true;
      }
      IOException writeFailed = writer.failure();
      if (writeFailed != null) {
        stop();
        LOG.error("snapshot at zxid 0x{} failed: {}", Long.toHexString(zxid), writeFailed.toString());
        done.complete(null, new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed: " + writeFailed));
        return true;
      }
      try {
        long sliceStart = System.nanoTime();
        do {
          if (writer.backlogged() || System.nanoTime() - sliceStart >= SLICE_NANOS) {
            return false;
          }
        } while (!capture.step(SLICE_UNITS));
        long length = capture.finish();
        long captureMs = (System.nanoTime() - start) / 1_000_000;
        writer.finish((file, failure) -> written(zxid, length, start, captureMs, file, failure, done));
        return true;
      } catch (RuntimeException | Error e) {
        // a record may be half written: this image is never used
        stop();
        captureFailed(zxid, e, done);
        if (e instanceof Error error) {
          throw error;
        }
        return true;
      }
    }

    private void stop() {
      capture.abandon();
      abandon(writer);
    }
  }

  /** The next snapshot may start once the abandoned one's temp file is gone (it may have the same name). */
  private void abandon(ImageWriter writer) {
    writer.abandon(() -> scheduler.runOnOwner(() -> inFlight = false));
  }

  private void captureFailed(long zxid, Throwable e, Completion<Long> done) {
    if (e instanceof TreeCapture.TreeReplacedException) {
      LOG.warn("snapshot at zxid 0x{} abandoned while capturing: {}", Long.toHexString(zxid), e.getMessage());
    } else {
      LOG.error("snapshot at zxid 0x{} failed while capturing", Long.toHexString(zxid), e);
    }
    done.complete(null, new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed: " + e));
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("cancelling the capture's timer: {}", e.toString());
    }
  }

  /** On the writer's worker once the file is in place or failed: retains, then finishes on the owner thread. */
  private void written(long zxid, long length, long start, long captureMs, Path file, IOException failure,
                       Completion<Long> done) {
    BatonException error = null;
    long oldestKept = -1;
    if (failure != null) {
      LOG.error("snapshot at zxid 0x{} failed: {}", Long.toHexString(zxid), failure.toString());
      error = new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed: " + failure);
    } else {
      try {
        oldestKept = store.retain(config.snapshotsRetained());
      } catch (IOException | RuntimeException e) {
        LOG.error("retaining snapshots after zxid 0x{} failed", Long.toHexString(zxid), e);
        error = new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed: " + e);
      }
    }
    BatonException outcome = error;
    long keepFrom = oldestKept;
    scheduler.runOnOwner(() -> onOwner(zxid, length, start, captureMs, file, keepFrom, outcome, done));
  }

  private void onOwner(long zxid, long length, long start, long captureMs, Path file, long keepFrom,
                       BatonException failure, Completion<Long> done) {
    inFlight = false;
    if (failure != null) {
      done.complete(null, failure);
      return;
    }
    LOG.info("snapshot at zxid 0x{}: {} bytes, captured in {} ms", Long.toHexString(zxid), length, captureMs);
    observer.get().snapshotWritten(System.nanoTime() - start, length);
    for (CoordinatorListener l : listeners) {
      l.snapshotWritten(zxid, file);
    }
    if (keepFrom > 0 && !closed.getAsBoolean()) {
      try {
        log.purge(keepFrom);
      } catch (IOException | RuntimeException e) {
        LOG.warn("log purge failed: {}", e.toString());
      }
    }
    done.complete(zxid, null);
  }
}
