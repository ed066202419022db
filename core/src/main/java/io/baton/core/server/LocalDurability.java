package io.baton.core.server;

import io.baton.core.log.ChronicleTxnLog;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A lone node's {@link Durability} policy: when its log is synced after appends, and up to which zxid
 * each sync commits. Under {@code group}, an idle log syncs at once (at the end of the owner thread's
 * turn, so that writes already read share the sync); while a sync runs, writes gather for the next
 * one, which starts when it ends or on the group-commit timer. Owner thread.
 */
final class LocalDurability {
  private final CoordinatorConfig config;
  private final Scheduler scheduler;
  private final LogSyncer syncer;
  private final LongSupplier lastAppended;
  private final LongConsumer commit;
  private final BooleanSupplier stopped;
  private long lastDurable;
  private boolean syncScheduled;

  /**
   * {@code lastAppended}: the last zxid in the log; {@code commit}: everything up to a zxid is
   * durable; {@code stopped}: the node closed or halted (nothing more is synced or committed).
   */
  LocalDurability(CoordinatorConfig config, Scheduler scheduler, ChronicleTxnLog log, Supplier<NodeObserver> observer,
                  long lastDurable, LongSupplier lastAppended, LongConsumer commit, BooleanSupplier stopped) {
    this.config = config;
    this.scheduler = scheduler;
    this.lastAppended = lastAppended;
    this.commit = commit;
    this.stopped = stopped;
    this.lastDurable = lastDurable;
    this.syncer = new LogSyncer(log, scheduler, this::durable, observer, SyncPlacement.DEFAULT_STALL_NANOS,
        config.durability() == Durability.ALWAYS || config.groupCommitMs() == 0);
  }

  /** An entry was appended to the log. */
  void appended() {
    switch (config.durability()) {
      case NONE -> commit.accept(lastAppended.getAsLong());
      case ALWAYS -> startSync();
      case GROUP -> {
        if (!syncer.inFlight()) {
          startSync();
        }
      }
    }
  }

  /** The group-commit timer: syncs what was appended since the last sync. */
  void groupCommit() {
    if (lastAppended.getAsLong() > lastDurable) {
      startSync();
    }
  }

  /** The node's tick: a failed sync is retried (after its backoff). */
  void retryFailed() {
    if (syncer.failures() > 0) {
      startSync();
    }
  }

  /** Syncs that failed in a row (0 when the last one succeeded). */
  int failures() {
    return syncer.failures();
  }

  private void startSync() {
    if (!stopped.getAsBoolean() && !syncScheduled) {
      syncScheduled = true;
      scheduler.runOnOwner(() -> {
        syncScheduled = false;
        if (!stopped.getAsBoolean()) {
          syncer.start(lastAppended.getAsLong(), true);
        }
      });
    }
  }

  /** A sync made the log durable up to {@code target}: commit what it covered, sync what came meanwhile. */
  private void durable(long target) {
    if (stopped.getAsBoolean()) {
      return;
    }
    lastDurable = Math.max(lastDurable, target);
    commit.accept(lastDurable);
    long appended = lastAppended.getAsLong();
    if (!stopped.getAsBoolean() && appended > lastDurable && (config.durability() == Durability.ALWAYS
        || syncer.sinceLastStartNanos() >= config.groupCommitMs() * 1_000_000L)) {
      syncer.start(appended, false);
    }
  }
}
