package io.baton.core.watch;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 *
 * <p>Each session's watches are also indexed by session, so closing a session costs its own watches
 * only, and a session may hold at most {@code maxPerSession} of them (a new one past that is refused
 * with {@link ErrorCode#QUOTA_EXCEEDED}).
 */
public final class WatchManager {
  private final Table dataWatches = new Table(0);
  private final Table childWatches = new Table(1);
  private final Table persistent = new Table(2);
  private final Table recursive = new Table(3);
  private final List<Table> tables = List.of(dataWatches, childWatches, persistent, recursive);
  private final Map<Long, SessionWatches> bySession = new HashMap<>();
  private final int maxPerSession;
  private int size;

  /** A manager letting each session hold at most {@code maxPerSession} watch registrations. */
  public WatchManager(int maxPerSession) {
    this.maxPerSession = maxPerSession;
  }

  /** A notification to deliver to a session. */
  public record Delivery(long sessionId, WatchEvent event) {
  }

  /** Adds a one-shot data watch; QuotaExceeded if the session already holds its maximum. */
  public void addDataWatch(String path, long sessionId) {
    add(dataWatches, path, sessionId);
  }

  /** Adds a one-shot child watch; QuotaExceeded if the session already holds its maximum. */
  public void addChildWatch(String path, long sessionId) {
    add(childWatches, path, sessionId);
  }

  /** Adds a persistent (recursive) watch; QuotaExceeded if the session already holds its maximum. */
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
      if (!recursive.byPath().isEmpty()) {
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
    for (Map.Entry<String, Set<Long>> e : dataWatches.byPath().entrySet()) {
      EventType type = exists.test(e.getKey()) ? EventType.NodeDataChanged : EventType.NodeDeleted;
      e.getValue().forEach(s -> out.add(new Delivery(s, new WatchEvent(type, e.getKey(), zxid))));
    }
    for (Map.Entry<String, Set<Long>> e : childWatches.byPath().entrySet()) {
      EventType type = exists.test(e.getKey()) ? EventType.NodeChildrenChanged : EventType.NodeDeleted;
      e.getValue().forEach(s -> out.add(new Delivery(s, new WatchEvent(type, e.getKey(), zxid))));
    }
    for (Table oneShot : List.of(dataWatches, childWatches)) {
      for (String path : List.copyOf(oneShot.byPath().keySet())) {
        take(oneShot, path, new HashSet<>());
      }
    }
    for (Table kept : List.of(persistent, recursive)) {
      for (Map.Entry<String, Set<Long>> e : kept.byPath().entrySet()) {
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

  /**
   * Whether the session holds a watch of {@code type} on {@code path}: {@code DATA} and
   * {@code CHILDREN} are the one-shot ones, {@code ANY} any kind (ZooKeeper's containsWatcher).
   */
  public boolean contains(String path, WatcherType type, long sessionId) {
    return switch (type) {
      case DATA -> holds(dataWatches, path, sessionId);
      case CHILDREN -> holds(childWatches, path, sessionId);
      case PERSISTENT -> holds(persistent, path, sessionId);
      case PERSISTENT_RECURSIVE -> holds(recursive, path, sessionId);
      case ANY -> tables.stream().anyMatch(t -> holds(t, path, sessionId));
    };
  }

  private static boolean holds(Table table, String path, long sessionId) {
    Set<Long> sessions = table.byPath().get(path);
    return sessions != null && sessions.contains(sessionId);
  }

  /** Drops every watch of a closed or expired session; costs that session's watches only. */
  public void removeSession(long sessionId) {
    SessionWatches own = bySession.remove(sessionId);
    if (own == null) {
      return;
    }
    for (int kind = 0; kind < tables.size(); kind++) {
      Table table = tables.get(kind);
      for (String path : own.paths[kind]) {
        Set<Long> sessions = table.byPath().get(path);
        if (sessions != null && sessions.remove(sessionId)) {
          size--;
          if (sessions.isEmpty()) {
            table.byPath().remove(path);
          }
        }
      }
    }
  }

  /** Number of registered (path, session) watch pairs of every kind. */
  public int size() {
    return size;
  }

  /** Sessions holding watches, watched paths (counted once per kind of watch) and registrations. */
  public WatchSummary summary() {
    int paths = 0;
    for (Table t : tables) {
      paths += t.byPath().size();
    }
    return new WatchSummary(bySession.size(), paths, size);
  }

  /** Number of watch registrations {@code sessionId} holds. */
  public int size(long sessionId) {
    SessionWatches own = bySession.get(sessionId);
    return own == null ? 0 : own.count();
  }

  private void add(Table table, String path, long sessionId) {
    SessionWatches own = bySession.get(sessionId);
    Set<Long> sessions = table.byPath().get(path);
    if (sessions != null && sessions.contains(sessionId)) {
      return;
    }
    if (own != null && own.count() >= maxPerSession || own == null && maxPerSession == 0) {
      throw new BatonException(ErrorCode.QUOTA_EXCEEDED, "session 0x" + Long.toHexString(sessionId)
          + " holds " + maxPerSession + " watches, the most allowed (maxWatchesPerSession); remove some first");
    }
    if (own == null) {
      own = new SessionWatches();
      bySession.put(sessionId, own);
    }
    if (sessions == null) {
      sessions = new LinkedHashSet<>(2);
      table.byPath().put(path, sessions);
    }
    sessions.add(sessionId);
    own.paths[table.kind()].add(path);
    size++;
  }

  /** Removes the path's one-shot watches into {@code into}, and from their sessions' indexes. */
  private void take(Table table, String path, Set<Long> into) {
    Set<Long> sessions = table.byPath().remove(path);
    if (sessions != null) {
      into.addAll(sessions);
      for (long s : sessions) {
        unindex(table, path, s);
      }
      size -= sessions.size();
    }
  }

  private static void peek(Table table, String path, Set<Long> into) {
    Set<Long> sessions = table.byPath().get(path);
    if (sessions != null) {
      into.addAll(sessions);
    }
  }

  private boolean removeOne(Table table, String path, long sessionId) {
    Set<Long> sessions = table.byPath().get(path);
    if (sessions == null || !sessions.remove(sessionId)) {
      return false;
    }
    if (sessions.isEmpty()) {
      table.byPath().remove(path);
    }
    unindex(table, path, sessionId);
    size--;
    return true;
  }

  private void unindex(Table table, String path, long sessionId) {
    SessionWatches own = bySession.get(sessionId);
    if (own != null) {
      own.paths[table.kind()].remove(path);
      if (own.count() == 0) {
        bySession.remove(sessionId);
      }
    }
  }

  /** Watches of one kind: the sessions watching each path. */
  private record Table(int kind, Map<String, Set<Long>> byPath) {
    Table(int kind) {
      this(kind, new HashMap<>());
    }
  }

  /** One session's watched paths, by kind (the order of {@link #tables}). */
  private static final class SessionWatches {
    @SuppressWarnings("unchecked")
    final Set<String>[] paths = new Set[] {new HashSet<>(), new HashSet<>(), new HashSet<>(), new HashSet<>()};

    int count() {
      return paths[0].size() + paths[1].size() + paths[2].size() + paths[3].size();
    }
  }
}
