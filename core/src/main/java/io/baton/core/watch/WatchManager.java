package io.baton.core.watch;

import io.baton.core.tree.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches of all sessions, with ZooKeeper's trigger rules: one-shot data watches (getData, exists)
 * and child watches (getChildren) fire once and are removed; persistent watches fire on data and
 * child events of their path; persistent-recursive watches fire on created, deleted and data-changed
 * events of their path and every descendant, never on NodeChildrenChanged. A session is notified at
 * most once per event. Watches are local (not logged): they belong to live connections.
 */
public final class WatchManager {
  private final Map<String, Set<Long>> dataWatches = new HashMap<>();
  private final Map<String, Set<Long>> childWatches = new HashMap<>();
  private final Map<String, Set<Long>> persistent = new HashMap<>();
  private final Map<String, Set<Long>> recursive = new HashMap<>();

  /** A notification to deliver to a session. */
  public record Delivery(long sessionId, WatchEvent event) {
  }

  public void addDataWatch(String path, long sessionId) {
    add(dataWatches, path, sessionId);
  }

  public void addChildWatch(String path, long sessionId) {
    add(childWatches, path, sessionId);
  }

  public void addWatch(String path, AddWatchMode mode, long sessionId) {
    add(mode == AddWatchMode.PERSISTENT ? persistent : recursive, path, sessionId);
  }

  /** Events caused by a node's creation, data change or deletion at {@code zxid}. */
  public List<Delivery> trigger(String path, EventType type, long zxid, List<Delivery> out) {
    WatchEvent event = new WatchEvent(type, path, zxid);
    Set<Long> notified = new LinkedHashSet<>();
    if (type == EventType.NodeChildrenChanged) {
      take(childWatches, path, notified);
      peek(persistent, path, notified);
    } else {
      take(dataWatches, path, notified);
      if (type == EventType.NodeDeleted) {
        take(childWatches, path, notified);
      }
      peek(persistent, path, notified);
      if (!recursive.isEmpty()) {
        String p = path;
        while (true) {
          peek(recursive, p, notified);
          if (p.length() == 1) {
            break;
          }
          p = Paths.parent(p);
        }
      }
    }
    for (Long session : notified) {
      out.add(new Delivery(session, event));
    }
    return out;
  }

  /**
   * Notifies every watch after the state was replaced wholesale (a snapshot installed from the
   * leader), when what changed is unknown: one-shot data watches fire NodeDataChanged (NodeDeleted if
   * the node is gone) and child watches NodeChildrenChanged (NodeDeleted), and are removed;
   * persistent and recursive watches get NodeDataChanged on their own path and stay.
   */
  public List<Delivery> triggerAll(long zxid, java.util.function.Predicate<String> exists, List<Delivery> out) {
    for (Map.Entry<String, Set<Long>> e : dataWatches.entrySet()) {
      EventType type = exists.test(e.getKey()) ? EventType.NodeDataChanged : EventType.NodeDeleted;
      e.getValue().forEach(s -> out.add(new Delivery(s, new WatchEvent(type, e.getKey(), zxid))));
    }
    for (Map.Entry<String, Set<Long>> e : childWatches.entrySet()) {
      EventType type = exists.test(e.getKey()) ? EventType.NodeChildrenChanged : EventType.NodeDeleted;
      e.getValue().forEach(s -> out.add(new Delivery(s, new WatchEvent(type, e.getKey(), zxid))));
    }
    dataWatches.clear();
    childWatches.clear();
    for (Map<String, Set<Long>> kept : List.of(persistent, recursive)) {
      for (Map.Entry<String, Set<Long>> e : kept.entrySet()) {
        e.getValue().forEach(s -> out.add(new Delivery(s, new WatchEvent(EventType.NodeDataChanged, e.getKey(), zxid))));
      }
    }
    return out;
  }

  /**
   * Removes a session's watches of the given type on a path; returns the removal events to send,
   * empty if the session had no such watch.
   */
  public List<WatchEvent> remove(String path, WatcherType type, long sessionId, long zxid) {
    List<WatchEvent> events = new ArrayList<>();
    boolean any = type == WatcherType.ANY;
    if ((any || type == WatcherType.DATA) && removeOne(dataWatches, path, sessionId)) {
      events.add(new WatchEvent(EventType.DataWatchRemoved, path, zxid));
    }
    if ((any || type == WatcherType.CHILDREN) && removeOne(childWatches, path, sessionId)) {
      events.add(new WatchEvent(EventType.ChildWatchRemoved, path, zxid));
    }
    boolean removedPersistent = (any || type == WatcherType.PERSISTENT) && removeOne(persistent, path, sessionId);
    boolean removedRecursive = (any || type == WatcherType.PERSISTENT_RECURSIVE)
        && removeOne(recursive, path, sessionId);
    if (removedPersistent || removedRecursive) {
      events.add(new WatchEvent(EventType.PersistentWatchRemoved, path, zxid));
    }
    return events;
  }

  /** Drops every watch of a closed or expired session. */
  public void removeSession(long sessionId) {
    for (Map<String, Set<Long>> table : List.of(dataWatches, childWatches, persistent, recursive)) {
      Iterator<Set<Long>> it = table.values().iterator();
      while (it.hasNext()) {
        Set<Long> sessions = it.next();
        sessions.remove(sessionId);
        if (sessions.isEmpty()) {
          it.remove();
        }
      }
    }
  }

  /** Number of registered (path, session) watch pairs of every kind. */
  public int size() {
    int n = 0;
    for (Map<String, Set<Long>> table : List.of(dataWatches, childWatches, persistent, recursive)) {
      for (Set<Long> s : table.values()) {
        n += s.size();
      }
    }
    return n;
  }

  private static void add(Map<String, Set<Long>> table, String path, long sessionId) {
    table.computeIfAbsent(path, k -> new LinkedHashSet<>(2)).add(sessionId);
  }

  private static void take(Map<String, Set<Long>> table, String path, Set<Long> into) {
    Set<Long> sessions = table.remove(path);
    if (sessions != null) {
      into.addAll(sessions);
    }
  }

  private static void peek(Map<String, Set<Long>> table, String path, Set<Long> into) {
    Set<Long> sessions = table.get(path);
    if (sessions != null) {
      into.addAll(sessions);
    }
  }

  private static boolean removeOne(Map<String, Set<Long>> table, String path, long sessionId) {
    Set<Long> sessions = table.get(path);
    if (sessions == null || !sessions.remove(sessionId)) {
      return false;
    }
    if (sessions.isEmpty()) {
      table.remove(path);
    }
    return true;
  }
}
