package io.baton.core.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Local expiry deadlines of open sessions. Only the node that orders writes consults it; when a
 * session's deadline passes, that node writes an expiry to the log (the decision is replicated, the
 * clock is not). A restarted node gives every open session a fresh full timeout. Sessions are also
 * ordered by deadline, so finding the expired ones costs those, not every open session.
 */
public final class SessionTracker {
  private final Map<Long, Long> deadlines = new HashMap<>();
  private final Map<Long, Integer> timeouts = new HashMap<>();
  private final TreeMap<Long, Set<Long>> byDeadline = new TreeMap<>();

  /** Starts tracking a session with a full timeout from {@code now}. */
  public void track(long sessionId, int timeoutMs, long now) {
    timeouts.put(sessionId, timeoutMs);
    setDeadline(sessionId, now + timeoutMs);
  }

  /** Pushes a session's deadline a full timeout past {@code now}; false if it is not tracked. */
  public boolean touch(long sessionId, long now) {
    Integer timeout = timeouts.get(sessionId);
    if (timeout == null) {
      return false;
    }
    setDeadline(sessionId, now + timeout);
    return true;
  }

  public void untrack(long sessionId) {
    Long deadline = deadlines.remove(sessionId);
    if (deadline != null) {
      unlist(sessionId, deadline);
    }
    timeouts.remove(sessionId);
  }

  public boolean isTracked(long sessionId) {
    return timeouts.containsKey(sessionId);
  }

  /** Sessions whose deadline is at or before {@code now}; they stay tracked until untracked. */
  public List<Long> expired(long now) {
    List<Long> out = new ArrayList<>();
    for (Set<Long> due : byDeadline.headMap(now, true).values()) {
      out.addAll(due);
    }
    return out;
  }

  private void setDeadline(long sessionId, long deadline) {
    Long old = deadlines.put(sessionId, deadline);
    if (old != null) {
      if (old == deadline) {
        return;
      }
      unlist(sessionId, old);
    }
    byDeadline.computeIfAbsent(deadline, k -> new HashSet<>(2)).add(sessionId);
  }

  private void unlist(long sessionId, long deadline) {
    Set<Long> same = byDeadline.get(deadline);
    if (same != null && same.remove(sessionId) && same.isEmpty()) {
      byDeadline.remove(deadline);
    }
  }
}
