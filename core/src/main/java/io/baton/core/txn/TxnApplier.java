package io.baton.core.txn;

import io.baton.core.acl.Acl;
import io.baton.core.auth.Identity;
import io.baton.core.session.SessionTable;
import io.baton.core.stream.ChangeEvents;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.Paths;
import io.baton.core.tree.SystemNodes;
import io.baton.core.tree.Znode;
import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateSessionTxn;
import io.baton.schemas.log.AclEntry;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetACLTxn;
import io.baton.schemas.log.SetDataTxn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies resolved log entries to the tree and the session table. Deterministic: the result
 * depends only on the entry and the state, so replaying the log rebuilds the state exactly.
 *
 * <p>An entry is checked whole before anything changes ({@link #check}): every create has its
 * parent and no node of its name, every delete and set finds its node (a delete one without
 * children), a closing session is open and its ephemerals exist. Creates and deletes of
 * ZooKeeper's built-in nodes in logs written before they were built in apply as {@link SystemNodes} says. An entry that fails the check is
 * refused with {@link UnapplicableEntryException} and leaves the state untouched.
 */
public final class TxnApplier {
  private final DataTree tree;
  private final SessionTable sessions;

  public TxnApplier(DataTree tree, SessionTable sessions) {
    this.tree = tree;
    this.sessions = sessions;
  }

  /** Applies one entry and returns one result per transaction it holds; refuses (changing nothing) one that cannot apply. */
  public List<OpResult> apply(LogEntry entry) {
    check(entry);
    List<OpResult> results = new ArrayList<>(1);
    apply(entry.getZxid(), entry.getTime(), entry.getTxn(), results);
    return results;
  }

  /** Throws {@link UnapplicableEntryException} unless {@code entry} applies to the current state. */
  public void check(LogEntry entry) {
    Object txn = entry.getTxn();
    Overlay overlay = new Overlay();
    if (txn instanceof MultiTxn m) {
      for (Object op : m.getOps()) {
        check(entry, op, overlay);
      }
    } else {
      check(entry, txn, overlay);
    }
  }

  private void check(LogEntry entry, Object txn, Overlay o) {
    if (txn instanceof CreateTxn c) {
      String path = c.getPath();
      if (path.length() < 2 || path.charAt(0) != '/') {
        throw unapplicable(entry, "create of an invalid path");
      }
      String parent = Paths.parent(path);
      if (!o.exists(parent)) {
        throw unapplicable(entry, "create " + path + ": parent missing");
      }
      if (o.exists(path) && (c.getEphemeralOwner() != 0 || o.touched(path) || !tree.adoptable(path))) {
        throw unapplicable(entry, "create " + path + ": exists");
      }
      o.created(path, parent);
    } else if (txn instanceof SetDataTxn s) {
      if (!o.exists(s.getPath())) {
        throw unapplicable(entry, "setData " + s.getPath() + ": missing");
      }
    } else if (txn instanceof DeleteTxn d) {
      delete(entry, d.getPath(), o);
    } else if (txn instanceof CheckTxn c) {
      if (!o.exists(c.getPath())) {
        throw unapplicable(entry, "check " + c.getPath() + ": missing");
      }
    } else if (txn instanceof SetACLTxn s) {
      if (!o.exists(s.getPath())) {
        throw unapplicable(entry, "setACL " + s.getPath() + ": missing");
      }
      for (AclEntry a : s.getAcl()) {
        if (a.getScheme().isEmpty()) {
          throw unapplicable(entry, "setACL " + s.getPath() + ": an ACL entry without a scheme");
        }
      }
    } else if (txn instanceof CreateSessionTxn s) {
      if (sessions.isOpen(s.getSessionId())) {
        throw unapplicable(entry, "session 0x" + Long.toHexString(s.getSessionId()) + " is already open");
      }
    } else if (txn instanceof CloseSessionTxn s) {
      if (!sessions.isOpen(s.getSessionId())) {
        throw unapplicable(entry, "session 0x" + Long.toHexString(s.getSessionId()) + " is not open");
      }
      for (String path : s.getEphemerals()) {
        delete(entry, path, o);
      }
    } else {
      throw unapplicable(entry, "unknown transaction " + (txn == null ? null : txn.getClass().getSimpleName()));
    }
  }

  private static void delete(LogEntry entry, String path, Overlay o) {
    if (path.length() < 2 || path.charAt(0) != '/' || !o.exists(path)) {
      throw unapplicable(entry, "delete " + path + ": missing");
    }
    if (o.children(path) > 0 && !SystemNodes.isSystem(path)) { // a built-in node keeps its built-in children
      throw unapplicable(entry, "delete " + path + ": has children");
    }
    o.deleted(path, Paths.parent(path));
  }

  /** The tree's form of a logged ACL. */
  private static List<Acl> acl(List<AclEntry> entries) {
    List<Acl> acl = new java.util.ArrayList<>(entries.size());
    for (AclEntry e : entries) {
      acl.add(new Acl(e.getPerms(), new Identity(e.getScheme(), e.getId())));
    }
    return acl;
  }

  private static UnapplicableEntryException unapplicable(LogEntry entry, String why) {
    return new UnapplicableEntryException(entry.getZxid(), why);
  }

  private void apply(long zxid, long time, Object txn, List<OpResult> results) {
    if (txn instanceof CreateTxn c) {
      var node = tree.create(c.getPath(), ChangeEvents.bytes(c.getData()), acl(c.getAcl()), c.getEphemeralOwner(),
          c.getParentCVersion(), zxid, time);
      results.add(new OpResult.Created(c.getPath(), node.stat()));
    } else if (txn instanceof SetDataTxn s) {
      var node = tree.setData(s.getPath(), ChangeEvents.bytes(s.getData()), s.getVersion(), zxid, time);
      results.add(new OpResult.DataSet(s.getPath(), node.stat()));
    } else if (txn instanceof DeleteTxn d) {
      tree.delete(d.getPath(), zxid);
      results.add(new OpResult.Deleted(d.getPath()));
    } else if (txn instanceof CheckTxn c) {
      results.add(new OpResult.Checked(c.getPath()));
    } else if (txn instanceof SetACLTxn s) {
      var node = tree.setAcl(s.getPath(), acl(s.getAcl()), s.getAversion());
      results.add(new OpResult.AclSet(s.getPath(), node.stat()));
    } else if (txn instanceof MultiTxn m) {
      for (Object op : m.getOps()) {
        apply(zxid, time, op, results);
      }
    } else if (txn instanceof CreateSessionTxn s) {
      sessions.open(s.getSessionId(), s.getTimeoutMs());
      results.add(new OpResult.SessionOpened(s.getSessionId(), s.getTimeoutMs()));
    } else if (txn instanceof CloseSessionTxn s) {
      for (String path : s.getEphemerals()) {
        tree.delete(path, zxid);
      }
      sessions.close(s.getSessionId());
      results.add(new OpResult.SessionClosed(s.getSessionId()));
    } else {
      throw new IllegalArgumentException("unknown txn " + txn);
    }
  }

  /** The tree as the operations checked so far in one entry leave it (maps made on first change). */
  private final class Overlay {
    private Map<String, Boolean> exists;
    private Map<String, Integer> childDelta;

    boolean exists(String path) {
      Boolean e = exists == null ? null : exists.get(path);
      return e != null ? e : tree.get(path) != null;
    }

    /** Whether an earlier operation of the entry created or deleted {@code path}. */
    boolean touched(String path) {
      return exists != null && exists.containsKey(path);
    }

    int children(String path) {
      boolean made = exists != null && Boolean.TRUE.equals(exists.get(path));
      Znode n = made ? null : tree.get(path);
      return (n == null ? 0 : n.numChildren()) + (childDelta == null ? 0 : childDelta.getOrDefault(path, 0));
    }

    void created(String path, String parent) {
      init();
      if (Boolean.FALSE.equals(exists.get(path))) {
        childDelta.remove(path); // a node deleted and made again in one entry starts without children
      }
      exists.put(path, true);
      childDelta.merge(parent, 1, Integer::sum);
    }

    void deleted(String path, String parent) {
      init();
      exists.put(path, false);
      childDelta.merge(parent, -1, Integer::sum);
    }

    private void init() {
      if (exists == null) {
        exists = new HashMap<>();
        childDelta = new HashMap<>();
      }
    }
  }
}
