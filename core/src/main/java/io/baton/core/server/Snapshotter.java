package io.baton.core.server;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.session.SessionTable;
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
 * {@link ClientSnapshotPolicy}. Whatever fails, the in-flight state is cleared, the failure is logged
 * once and answered SystemError, so the next snapshot can run. Owner thread only.
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
  private boolean inFlight;
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
   * so requests keep being served while a large tree is captured.
   */
  void take(long zxid, Completion<Long> done) {
    if (inFlight) {
      done.complete(null, new BatonException(ErrorCode.NOT_READY, "a snapshot is already being written"));
      return;
    }
    inFlight = true;
    appliedSince = 0;
    long start = System.nanoTime();
    SnapshotStore.Capture capture;
    try {
      capture = SnapshotStore.begin(zxid, tree, sessions);
    } catch (RuntimeException | Error e) {
      captureFailed(zxid, e, done);
      if (e instanceof Error error) {
        throw error;
      }
      return;
    }
    for (CoordinatorListener l : listeners) {
      l.snapshotCaptured(zxid);
    }
    Capturing capturing = new Capturing(zxid, capture, start, done);
    if (!capturing.slice()) {
      capturing.timer = scheduler.periodic(SLICE_PERIOD_MS, capturing::next);
    }
  }

  /** A snapshot whose tree is being captured, a slice per tick of its timer. */
  private final class Capturing {
    private final long zxid;
    private final SnapshotStore.Capture capture;
    private final long start;
    private final Completion<Long> done;
    private AutoCloseable timer;
    private boolean ended;

    Capturing(long zxid, SnapshotStore.Capture capture, long start, Completion<Long> done) {
      this.zxid = zxid;
      this.capture = capture;
      this.start = start;
      this.done = done;
    }

    /** A tick of the timer: the next slice, and the timer cancelled once the capture ended (a tick may still come). */
    void next() {
      if (!ended && slice()) {
        ended = true;
        closeQuietly(timer);
      }
    }

    /** Captures for up to {@link Snapshotter#SLICE_NANOS}; true once the capture ended (handed to a worker, or failed). */
    boolean slice() {
      if (closed.getAsBoolean()) {
        capture.abandon();
        inFlight = false;
        done.complete(null, new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot abandoned: the node is closing"));
        return true;
      }
      try {
        long sliceStart = System.nanoTime();
        while (!capture.step(SLICE_UNITS)) {
          if (System.nanoTime() - sliceStart >= SLICE_NANOS) {
            return false;
          }
        }
        SnapshotStore.Image image = capture.image();
        long captureMs = (System.nanoTime() - start) / 1_000_000;
        scheduler.runBlocking(() -> write(image, start, captureMs, done));
        return true;
      } catch (RuntimeException | Error e) {
        // a record may be half written: this image is never used
        capture.abandon();
        captureFailed(zxid, e, done);
        if (e instanceof Error error) {
          throw error;
        }
        return true;
      }
    }
  }

  private void captureFailed(long zxid, Throwable e, Completion<Long> done) {
    inFlight = false;
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

  /** Worker side of {@link #take}: writes and retains, then always finishes on the owner thread. */
  private void write(SnapshotStore.Image image, long start, long captureMs, Completion<Long> done) {
    BatonException error = null;
    long oldestKept = -1;
    Path file = null;
    try {
      file = store.write(image);
      oldestKept = store.retain(config.snapshotsRetained());
    } catch (IOException e) {
      LOG.error("snapshot at zxid 0x{} failed: {}", Long.toHexString(image.zxid()), e.toString());
      error = new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed: " + e);
    } catch (RuntimeException e) {
      LOG.error("snapshot at zxid 0x{} failed", Long.toHexString(image.zxid()), e);
      error = new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed: " + e);
    } finally {
      BatonException failure = error == null && file == null
          ? new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed") : error;
      long keepFrom = oldestKept;
      Path written = file;
      scheduler.runOnOwner(() -> written(image, start, captureMs, written, keepFrom, failure, done));
    }
  }

  private void written(SnapshotStore.Image image, long start, long captureMs, Path file, long keepFrom,
                       BatonException failure, Completion<Long> done) {
    inFlight = false;
    if (failure != null) {
      done.complete(null, failure);
      return;
    }
    LOG.info("snapshot at zxid 0x{}: {} bytes, captured in {} ms", Long.toHexString(image.zxid()),
        image.length(), captureMs);
    observer.get().snapshotWritten(System.nanoTime() - start, image.length());
    for (CoordinatorListener l : listeners) {
      l.snapshotWritten(image.zxid(), file);
    }
    if (keepFrom > 0 && !closed.getAsBoolean()) {
      try {
        log.purge(keepFrom);
      } catch (IOException | RuntimeException e) {
        LOG.warn("log purge failed: {}", e.toString());
      }
    }
    done.complete(image.zxid(), null);
  }
}
