package io.baton.core.server;

import io.baton.core.acl.Acl;
import io.baton.core.acl.AclCheck;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Caller;
import io.baton.core.auth.ClientAuth;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.Znode;
import io.baton.core.watch.WatchEvent;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which watch events a session may receive, as ZooKeeper 3.9 decides (its {@code ServerCnxn.process}
 * checks READ on the znode's ACL for every event, since CVE-2024-23944): an event about a node goes only
 * to a watcher that may read the node (for NodeChildrenChanged, the parent), by the ACL the node had
 * when it changed. The ACLs of the nodes an entry deletes are taken before it is applied. Owner thread.
 */
final class WatchAcls {
  private final DataTree tree;
  private final ClientAuth auth;
  private final Map<String, List<Acl>> deleted = new HashMap<>();

  WatchAcls(DataTree tree, ClientAuth auth) {
    this.tree = tree;
    this.auth = auth;
  }

  /** Before {@code entry} is applied: keeps the ACLs of the nodes it deletes (only needed with watches). */
  void before(LogEntry entry) {
    deleted.clear();
    note(entry.getTxn());
  }

  private void note(Object txn) {
    if (txn instanceof DeleteTxn d) {
      keep(d.getPath());
    } else if (txn instanceof CloseSessionTxn c) {
      c.getEphemerals().forEach(this::keep);
    } else if (txn instanceof MultiTxn m) {
      m.getOps().forEach(this::note);
    }
  }

  private void keep(String path) {
    Znode node = tree.get(path);
    if (node != null) {
      deleted.put(path, tree.acl(node));
    }
  }

  /** Whether {@code session} may receive {@code event}, applied after {@link #before}. */
  boolean permits(long session, WatchEvent event) {
    Znode node = tree.get(event.path());
    List<Acl> acl = node != null ? tree.acl(node) : deleted.getOrDefault(event.path(), List.of());
    if (acl.isEmpty()) {
      return true;
    }
    Caller caller = auth.watcher(session);
    return caller.superUser() || AclCheck.permits(acl, Perms.READ, caller);
  }
}
