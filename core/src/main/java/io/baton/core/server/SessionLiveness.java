package io.baton.core.server;

import io.baton.core.session.SessionTracker;
import java.util.List;
import java.util.Map;

/**
 * When each open session was last heard of, and which are due to expire: deadlines on the node's clock,
 * held after a stall of the owner thread (see {@link ExpiryHold}). Only the node that orders writes
 * expires sessions; the others track them so that they can take over. Owner thread.
 */
final class SessionLiveness {
  private final SessionTracker tracker = new SessionTracker();
  private final long tickMs;
  private ExpiryHold hold;

  SessionLiveness(long tickMs) {
    this.tickMs = tickMs;
  }

  /** The ticks start now: stalls are measured from here. */
  void start() {
    hold = new ExpiryHold(tickMs);
  }

  void track(long sessionId, int timeoutMs, long now) {
    tracker.track(sessionId, timeoutMs, now);
  }

  /** Every session of {@code sessions} (id to timeout) gets a fresh deadline from {@code now}. */
  void trackAll(Map<Long, Integer> sessions, long now) {
    for (Map.Entry<Long, Integer> s : sessions.entrySet()) {
      tracker.track(s.getKey(), s.getValue(), now);
    }
  }

  void untrack(long sessionId) {
    tracker.untrack(sessionId);
  }

  /** The session was heard of at {@code now}; false if it is not tracked. */
  boolean touch(long sessionId, long now) {
    return tracker.touch(sessionId, now);
  }

  /**
   * Called by every tick, so that stalls are measured between ticks: the sessions whose deadline
   * passed if this node {@code expires} sessions, none while expiry is held.
   */
  List<Long> tick(long now, boolean expires) {
    boolean mayExpire = hold.mayExpire(now);
    return mayExpire && expires ? tracker.expired(now) : List.of();
  }
}
