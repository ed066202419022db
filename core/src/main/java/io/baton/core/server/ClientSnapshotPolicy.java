package io.baton.core.server;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;

/**
 * Whether a client may have a snapshot taken now: never when admin operations are off
 * ({@code adminOps} 0, NoAuth), and at most one per {@code snapshotMinIntervalMs} (Throttled).
 * Owner thread only.
 */
final class ClientSnapshotPolicy {
  private final int adminOps;
  private final long minIntervalMs;
  private boolean admittedBefore;
  private long lastAdmitted;

  ClientSnapshotPolicy(Limits limits) {
    this.adminOps = limits.adminOps();
    this.minIntervalMs = limits.snapshotMinIntervalMs();
  }

  /** Null if a snapshot may start at {@code nowNanos} (which is then counted), else the refusal. */
  BatonException admit(long nowNanos) {
    if (adminOps == 0) {
      return new BatonException(ErrorCode.NO_AUTH, "admin operations are disabled on this node (adminOps = 0)");
    }
    long sinceMs = (nowNanos - lastAdmitted) / 1_000_000;
    if (admittedBefore && sinceMs < minIntervalMs) {
      return new BatonException(ErrorCode.THROTTLED, "the previous snapshot asked for by a client started "
          + sinceMs + " ms ago; at most one per " + minIntervalMs + " ms (snapshotMinIntervalMs)");
    }
    admittedBefore = true;
    lastAdmitted = nowNanos;
    return null;
  }
}
