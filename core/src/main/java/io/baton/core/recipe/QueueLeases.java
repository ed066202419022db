package io.baton.core.recipe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The leases of taken queue items as the ordering node counts them, on its own clock: from the moment
 * it applied the take (its commit), or, for takes it did not see applied (it became leader, or
 * restarted), from the moment it first saw them — never from when the take was proposed, so a take
 * committed late still gets its whole lease. Expiry is found in deadline order, and the items of an
 * ended session by session, so neither costs a scan of every taken item.
 */
final class QueueLeases {
  private record Lease(long session, long deadline) {
  }

  private record Due(long deadline, String path) {
  }

  private final Map<String, Lease> byPath = new HashMap<>();
  private final Map<Long, Set<String>> bySession = new HashMap<>();
  private final PriorityQueue<Due> order = new PriorityQueue<>((a, b) -> Long.compare(a.deadline(), b.deadline()));

  /** A take was applied (or first seen): its lease runs {@code leaseMs} from {@code now}. */
  void taken(String path, long session, long leaseMs, long now) {
    forget(path);
    long deadline = now + Math.max(0, leaseMs);
    byPath.put(path, new Lease(session, deadline));
    bySession.computeIfAbsent(session, k -> new HashSet<>()).add(path);
    order.add(new Due(deadline, path));
  }

  /** The item was acknowledged or returned. */
  void forget(String path) {
    Lease l = byPath.remove(path);
    if (l != null) {
      Set<String> paths = bySession.get(l.session());
      if (paths != null && paths.remove(path) && paths.isEmpty()) {
        bySession.remove(l.session());
      }
    }
  }

  /** The session ended: its items are due at once. */
  void sessionEnded(long session) {
    Set<String> paths = bySession.get(session);
    if (paths != null) {
      for (String path : paths) {
        byPath.put(path, new Lease(session, 0));
        order.add(new Due(0, path));
      }
    }
  }

  /**
   * Items to return now: those of ended sessions and those whose lease passed. They stay tracked, due
   * again after {@link #RETRY_MS} in case the return does not go through, until forgotten.
   */
  List<String> due(long now) {
    List<String> out = new ArrayList<>();
    while (!order.isEmpty() && order.peek().deadline() <= now) {
      Due d = order.poll();
      Lease l = byPath.get(d.path());
      if (l != null && l.deadline() == d.deadline()) {
        out.add(d.path());
        order.add(new Due(now + RETRY_MS, d.path()));
        byPath.put(d.path(), new Lease(l.session(), now + RETRY_MS));
      }
    }
    return out;
  }

  /** How long a return that did not go through waits before it is tried again. */
  static final long RETRY_MS = 1_000;

  void clear() {
    byPath.clear();
    bySession.clear();
    order.clear();
  }

}
