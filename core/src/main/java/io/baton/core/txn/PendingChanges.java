package io.baton.core.txn;

import io.baton.core.session.SessionTable;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.Znode;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What the tree and session table will look like after every logged-but-unapplied entry is applied.
 * Lets {@link TxnPreparer} validate pipelined requests (create a parent then its child before either
 * is durable) exactly. Records retire as their entries are applied.
 */
final class PendingChanges {
  private final DataTree tree;
  private final SessionTable sessions;
  private final Map<String, ChangeRecord> byPath = new HashMap<>();
  private final ArrayDeque<ChangeRecord> order = new ArrayDeque<>();
  private final Map<Long, Boolean> sessionState = new HashMap<>();
  private final ArrayDeque<long[]> sessionOrder = new ArrayDeque<>();

  PendingChanges(DataTree tree, SessionTable sessions) {
    this.tree = tree;
    this.sessions = sessions;
  }

  /** The pending or committed state of a path, or null if it does not exist in either. */
  ChangeRecord lookup(String path) {
    ChangeRecord r = byPath.get(path);
    if (r != null) {
      return r.exists ? r : null;
    }
    Znode n = tree.get(path);
    if (n == null) {
      return null;
    }
    return new ChangeRecord(path, 0, true, n.version(), n.cversion(), n.numChildren(), n.ephemeralOwner(), n.mtime(),
        tree.acl(n), n.aversion(), n.dataLength());
  }

  /** True if the path has a pending record (created, changed or deleted by an unapplied entry). */
  ChangeRecord pendingRecord(String path) {
    return byPath.get(path);
  }

  Iterable<ChangeRecord> pendingRecords() {
    return byPath.values();
  }

  boolean isSessionOpen(long sessionId) {
    Boolean pending = sessionState.get(sessionId);
    return pending != null ? pending : sessions.isOpen(sessionId);
  }

  /** How many more (or fewer) sessions are open once every logged entry is applied. */
  int sessionCountChange() {
    int change = 0;
    for (Map.Entry<Long, Boolean> s : sessionState.entrySet()) {
      if (s.getValue() != sessions.isOpen(s.getKey())) {
        change += s.getValue() ? 1 : -1;
      }
    }
    return change;
  }

  void add(ChangeRecord record) {
    byPath.put(record.path, record);
    order.addLast(record);
  }

  void addSession(long sessionId, boolean open, long zxid) {
    sessionState.put(sessionId, open);
    sessionOrder.addLast(new long[] {zxid, sessionId, open ? 1 : 0});
  }

  boolean isEmpty() {
    return order.isEmpty() && sessionOrder.isEmpty();
  }

  /** Forgets records of entries up to {@code zxid}, now reflected in the tree. */
  void retire(long zxid) {
    while (!order.isEmpty() && order.peekFirst().zxid <= zxid) {
      ChangeRecord r = order.pollFirst();
      if (byPath.get(r.path) == r) {
        byPath.remove(r.path);
      }
    }
    while (!sessionOrder.isEmpty() && sessionOrder.peekFirst()[0] <= zxid) {
      long[] s = sessionOrder.pollFirst();
      Boolean state = sessionState.get(s[1]);
      if (state != null && state == (s[2] == 1) && !laterSessionChange(s[1])) {
        sessionState.remove(s[1]);
      }
    }
  }

  private boolean laterSessionChange(long sessionId) {
    for (long[] s : sessionOrder) {
      if (s[1] == sessionId) {
        return true;
      }
    }
    return false;
  }

  /** Drops everything (the unapplied entries were discarded). */
  void clear() {
    byPath.clear();
    order.clear();
    sessionState.clear();
    sessionOrder.clear();
  }
}
