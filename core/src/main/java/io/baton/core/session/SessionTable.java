package io.baton.core.session;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The replicated part of sessions: which sessions are open and their negotiated timeouts. Changed
 * only by applying log entries, so replay rebuilds it exactly. Expiry deadlines are local and live
 * in {@link SessionTracker}.
 */
public final class SessionTable {
  private final Map<Long, Integer> timeouts = new HashMap<>();
  private long highestId;

  /** Replaces every session with {@code other}'s (a snapshot installed from the leader). */
  public void replaceWith(SessionTable other) {
    timeouts.clear();
    timeouts.putAll(other.timeouts);
    highestId = other.highestId;
  }

  public void open(long sessionId, int timeoutMs) {
    timeouts.put(sessionId, timeoutMs);
    highestId = Math.max(highestId, sessionId);
  }

  public void close(long sessionId) {
    timeouts.remove(sessionId);
  }

  public boolean isOpen(long sessionId) {
    return timeouts.containsKey(sessionId);
  }

  /** Timeout of an open session, or -1. */
  public int timeout(long sessionId) {
    return timeouts.getOrDefault(sessionId, -1);
  }

  /** Open sessions and their timeouts. */
  public Map<Long, Integer> sessions() {
    return Collections.unmodifiableMap(timeouts);
  }

  /** The largest session id ever opened; new ids are chosen above it. */
  public long highestId() {
    return highestId;
  }

  /** Restores the id high-water mark from a snapshot. */
  public void restoreHighestId(long id) {
    highestId = Math.max(highestId, id);
  }
}
