package io.baton.core.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a log's fsync runs. On the owner thread when the log was idle and the sync covers a few
 * entries: handing it to a worker thread and back costs two thread wake-ups, on a small VM about as
 * much as the fsync, and nothing else waits for the owner meanwhile. On a worker when syncs run back to
 * back under load, or cover many entries, so that the owner gathers the next group meanwhile. A sync
 * on the owner slower than the stall limit (a slow or stalled disk) sends every sync to the worker for
 * the next 10 s, so that a bad disk holds up writes, never reads, pings or expiry. Owner thread only.
 */
public final class SyncPlacement {
  private static final Logger LOG = LoggerFactory.getLogger(SyncPlacement.class);
  /** A sync on the owner slower than this counts as a stall. */
  public static final long DEFAULT_STALL_NANOS = 50_000_000L;
  /** Most entries a sync on the owner thread may cover. */
  static final long OWNER_MAX_ENTRIES = 4;
  private static final long WORKER_ONLY_NANOS = 10_000_000_000L;

  private final String log;
  private final long stallNanos;
  private boolean workerOnly;
  private long workerOnlyUntil;

  /** Placement of {@code log}'s syncs (named in the warning about a stall). */
  public SyncPlacement(String log, long stallNanos) {
    this.log = log;
    this.stallNanos = stallNanos;
  }

  /**
   * Whether a sync of {@code entries} entries runs on the owner thread; {@code idle}: it does not follow
   * a sync that ended with more work waiting.
   */
  public boolean onOwner(boolean idle, long entries) {
    if (workerOnly && System.nanoTime() - workerOnlyUntil >= 0) {
      workerOnly = false;
    }
    return idle && entries <= OWNER_MAX_ENTRIES && !workerOnly;
  }

  /** Reports how long a sync on the owner thread took. */
  public void tookOnOwner(long nanos) {
    if (nanos > stallNanos) {
      workerOnly = true;
      workerOnlyUntil = System.nanoTime() + WORKER_ONLY_NANOS;
      LOG.warn("a {} log sync on the owner thread took {} ms; its syncs run on a worker thread for the next 10 s",
          log, nanos / 1_000_000);
    }
  }
}
