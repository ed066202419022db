package io.baton.core.server;

import io.baton.core.log.ChronicleTxnLog;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a lone node's transaction-log fsyncs, one at a time, on the owner thread or a worker as
 * {@link SyncPlacement} decides, and reports on the owner thread up to which zxid the log is durable.
 *
 * <p>On a worker, syncs run back to back while the owner appends ({@code backToBack}): when one ends and
 * more was appended meanwhile, the worker starts the next at once and reports the first as it goes,
 * rather than waiting for the owner to take the report and hand the next sync back (two thread
 * wake-ups during which the disk is idle).
 *
 * <p>A failed sync is retried after a backoff (the caller retries from its tick; new writes do not
 * retry it sooner); the writes it covered stay unacknowledged until a sync succeeds. A failure streak is
 * logged when it starts and when it ends, with its count.
 */
final class LogSyncer {
  private static final Logger LOG = LoggerFactory.getLogger(LogSyncer.class);
  /** Longest wait between retries of a failed sync. */
  private static final long MAX_BACKOFF_MS = 1_000;

  private final ChronicleTxnLog log;
  private final Scheduler scheduler;
  private final LongConsumer durable;
  private final Supplier<NodeObserver> observer;
  private final SyncPlacement placement;
  private final boolean backToBack;
  private boolean inFlight;
  private long lastStart;
  private long lastTarget;
  private int failures;
  private long nextRetry;

  /**
   * {@code durable} receives, on the owner thread, the zxid up to which a sync made the log durable;
   * {@code observer} the duration of each fsync; a sync on the owner longer than {@code stallNanos}
   * counts as a stall ({@link SyncPlacement}); {@code backToBack}: a worker starts the next sync as soon as
   * one ends if more was appended (no pause between syncs is wanted).
   */
  LogSyncer(ChronicleTxnLog log, Scheduler scheduler, LongConsumer durable, Supplier<NodeObserver> observer,
            long stallNanos, boolean backToBack) {
    this.backToBack = backToBack;
    this.log = log;
    this.observer = observer;
    this.scheduler = scheduler;
    this.durable = durable;
    this.placement = new SyncPlacement("transaction", stallNanos);
  }

  /**
   * Starts a sync of everything appended up to {@code target}, unless one runs or a retry is not due
   * yet. {@code idle}: no sync ended with writes waiting just before (the sync may run on the owner).
   */
  void start(long target, boolean idle) {
    if (inFlight || failures > 0 && System.nanoTime() - nextRetry < 0) {
      return;
    }
    inFlight = true;
    lastStart = System.nanoTime();
    boolean onOwner = placement.onOwner(idle, target - lastTarget);
    lastTarget = target;
    if (onOwner) {
      Throwable failure = sync();
      placement.tookOnOwner(System.nanoTime() - lastStart);
      ended(target, failure);
      return;
    }
    scheduler.runBlocking(() -> {
      long covered = target;
      while (true) {
        Throwable failure = sync();
        long next = log.lastZxid(); // appended before the next sync starts: covered by it
        if (failure != null || !backToBack || next <= covered) {
          long last = covered;
          scheduler.runOnOwner(() -> ended(last, failure));
          return;
        }
        long done = covered;
        scheduler.runOnOwner(() -> durable.accept(done));
        covered = next;
      }
    });
  }

  private Throwable sync() {
    long start = System.nanoTime();
    try {
      log.sync();
      observer.get().logSynced("txn", System.nanoTime() - start);
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private void ended(long target, Throwable failure) {
    inFlight = false;
    if (failure != null) {
      failures++;
      nextRetry = System.nanoTime() + Math.min(MAX_BACKOFF_MS, 10L << Math.min(failures, 7)) * 1_000_000L;
      if (failures == 1) {
        LOG.error("log sync failed; writes stay unacknowledged and the sync is retried until it succeeds: {}",
            failure.toString());
      }
      return;
    }
    if (failures > 0) {
      LOG.warn("log sync succeeded again after {} failed attempts", failures);
      failures = 0;
    }
    durable.accept(target);
  }

  boolean inFlight() {
    return inFlight;
  }

  /** Failed attempts of the current failure streak (0 when the last sync succeeded). */
  int failures() {
    return failures;
  }

  /** Nanoseconds since the last sync started. */
  long sinceLastStartNanos() {
    return System.nanoTime() - lastStart;
  }
}
