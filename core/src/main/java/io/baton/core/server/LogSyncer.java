package io.baton.core.server;

import io.baton.core.log.ChronicleTxnLog;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a lone node's transaction-log fsyncs on a worker thread, one at a time, and reports on the
 * owner thread up to which zxid the log is durable. A failed sync is retried after a backoff (the
 * caller retries from its tick; new writes do not retry it sooner); the writes it covered stay
 * unacknowledged until a sync succeeds. A failure streak is logged when it starts and when it ends,
 * with its count.
 */
final class LogSyncer {
  private static final Logger LOG = LoggerFactory.getLogger(LogSyncer.class);
  /** Longest wait between retries of a failed sync. */
  private static final long MAX_BACKOFF_MS = 1_000;

  private final ChronicleTxnLog log;
  private final Scheduler scheduler;
  private final LongConsumer durable;
  private final java.util.function.Supplier<NodeObserver> observer;
  private boolean inFlight;
  private long lastStart;
  private int failures;
  private long nextRetry;

  /**
   * {@code durable} receives, on the owner thread, the zxid up to which a sync made the log durable;
   * {@code observer} the duration of each fsync.
   */
  LogSyncer(ChronicleTxnLog log, Scheduler scheduler, LongConsumer durable,
            java.util.function.Supplier<NodeObserver> observer) {
    this.log = log;
    this.observer = observer;
    this.scheduler = scheduler;
    this.durable = durable;
  }

  /** Starts a sync of everything appended up to {@code target}, unless one runs or a retry is not due yet. */
  void start(long target) {
    if (inFlight || failures > 0 && System.nanoTime() - nextRetry < 0) {
      return;
    }
    inFlight = true;
    lastStart = System.nanoTime();
    scheduler.runBlocking(() -> {
      Throwable failure = null;
      long start = System.nanoTime();
      try {
        log.sync();
        observer.get().logSynced("txn", System.nanoTime() - start);
      } catch (RuntimeException e) {
        failure = e;
      }
      Throwable f = failure;
      scheduler.runOnOwner(() -> ended(target, f));
    });
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
