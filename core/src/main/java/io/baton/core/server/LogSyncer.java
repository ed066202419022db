package io.baton.core.server;

import io.baton.core.log.ChronicleTxnLog;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a lone node's transaction-log fsyncs, one at a time, and reports on the owner thread up to which
 * zxid the log is durable.
 *
 * <p>A sync of an idle log covering a few writes runs on the owner thread itself: waking a worker
 * thread and then the owner again costs about as much as the fsync on a small VM, and nothing else waits
 * for the owner meanwhile. Syncs started back to back under load, or of many writes, run on a worker
 * thread while the owner gathers the next group. A sync on the owner that takes longer than the stall
 * limit (a slow or stalled disk) sends every sync to the worker for the next 10 s, so that a bad disk
 * holds up writes, never reads, pings or expiry.
 *
 * <p>A failed sync is retried after a backoff (the caller retries from its tick; new writes do not
 * retry it sooner); the writes it covered stay unacknowledged until a sync succeeds. A failure streak is
 * logged when it starts and when it ends, with its count.
 */
final class LogSyncer {
  private static final Logger LOG = LoggerFactory.getLogger(LogSyncer.class);
  /** Longest wait between retries of a failed sync. */
  private static final long MAX_BACKOFF_MS = 1_000;
  /** Most writes a sync on the owner thread may cover. */
  private static final long OWNER_SYNC_MAX_WRITES = 4;
  /** A sync on the owner slower than this sends syncs to the worker for {@link #WORKER_ONLY_NANOS}. */
  static final long DEFAULT_STALL_NANOS = 50_000_000L;
  private static final long WORKER_ONLY_NANOS = 10_000_000_000L;

  private final ChronicleTxnLog log;
  private final Scheduler scheduler;
  private final LongConsumer durable;
  private final Supplier<NodeObserver> observer;
  private final long stallNanos;
  private boolean inFlight;
  private long lastStart;
  private long lastTarget;
  private int failures;
  private long nextRetry;
  private boolean workerOnly;
  private long workerOnlyUntil;

  /**
   * {@code durable} receives, on the owner thread, the zxid up to which a sync made the log durable;
   * {@code observer} the duration of each fsync; a sync on the owner longer than {@code stallNanos}
   * moves syncs to the worker for 10 s.
   */
  LogSyncer(ChronicleTxnLog log, Scheduler scheduler, LongConsumer durable, Supplier<NodeObserver> observer,
            long stallNanos) {
    this.log = log;
    this.observer = observer;
    this.scheduler = scheduler;
    this.durable = durable;
    this.stallNanos = stallNanos;
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
    boolean onOwner = idle && target - lastTarget <= OWNER_SYNC_MAX_WRITES && !workerOnly(lastStart);
    lastTarget = target;
    if (onOwner) {
      Throwable failure = sync();
      long took = System.nanoTime() - lastStart;
      if (took > stallNanos) {
        workerOnly = true;
        workerOnlyUntil = System.nanoTime() + WORKER_ONLY_NANOS;
        LOG.warn("a log sync on the owner thread took {} ms; syncs run on a worker thread for the next 10 s",
            took / 1_000_000);
      }
      ended(target, failure);
      return;
    }
    scheduler.runBlocking(() -> {
      Throwable failure = sync();
      scheduler.runOnOwner(() -> ended(target, failure));
    });
  }

  private boolean workerOnly(long now) {
    if (workerOnly && now - workerOnlyUntil >= 0) {
      workerOnly = false;
    }
    return workerOnly;
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
