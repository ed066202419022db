package io.baton.core.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Local expiry deadlines of open sessions. Only the node that orders writes consults it; when a
 * session's deadline passes, that node writes an expiry to the log (the decision is replicated, the
 * clock is not). A restarted node gives every open session a fresh full timeout.
 */
public final class SessionTracker {
  private final Map<Long, Long> deadlines = new HashMap<>();
  private final Map<Long, Integer> timeouts = new HashMap<>();

  /** Starts tracking a session with a full timeout from {@code now}. */
  public void track(long sessionId, int timeoutMs, long now) {
    timeouts.put(sessionId, timeoutMs);
    deadlines.put(sessionId, now + timeoutMs);
  }

  /** Pushes a session's deadline a full timeout past {@code now}; false if it is not tracked. */
  public boolean touch(long sessionId, long now) {
    Integer timeout = timeouts.get(sessionId);
    if (timeout == null) {
      return false;
    }
    deadlines.put(sessionId, now + timeout);
    return true;
  }

  public void untrack(long sessionId) {
    deadlines.remove(sessionId);
    timeouts.remove(sessionId);
  }

  public boolean isTracked(long sessionId) {
    return timeouts.containsKey(sessionId);
  }

  /** Sessions whose deadline is at or before {@code now}; they stay tracked until untracked. */
  public List<Long> expired(long now) {
    List<Long> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : deadlines.entrySet()) {
      if (e.getValue() <= now) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
