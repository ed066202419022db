package io.baton.zookeeper.impl;

import io.baton.core.acl.Acl;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

/** Core's stats and ACLs as ZooKeeper's records, and back. */
final class Records {
  private Records() {
  }

  /** The 68-byte {@code Stat} of ZooKeeper, field for field. */
  static Stat stat(io.baton.core.tree.Stat s) {
    return new Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(), s.cversion(), s.aversion(),
        s.ephemeralOwner(), s.dataLength(), s.numChildren(), s.pzxid());
  }

  static List<ACL> acl(List<Acl> acl) {
    List<ACL> out = new ArrayList<>(acl.size());
    for (Acl a : acl) {
      out.add(new ACL(a.perms(), new Id(a.id().scheme(), a.id().id())));
    }
    return out;
  }

  /**
   * A client's ACL for a create or a setACL; InvalidACL for a missing or empty one (as ZooKeeper;
   * core checks the entries).
   */
  static List<Acl> acl(List<ACL> acl, String path) {
    if (acl == null || acl.isEmpty()) {
      throw new BatonException(ErrorCode.INVALID_ACL, "an ACL needs at least one entry (" + path + ")");
    }
    List<Acl> out = new ArrayList<>(acl.size());
    for (ACL a : acl) {
      Id id = a.getId();
      if (id == null || id.getScheme() == null || id.getScheme().isEmpty() || id.getId() == null) {
        throw new BatonException(ErrorCode.INVALID_ACL, "an ACL entry needs a scheme and an id (" + path + ")");
      }
      out.add(new Acl(a.getPerms(), new Identity(id.getScheme(), id.getId())));
    }
    return out;
  }

  /** A list a client sent, or an empty one for a null vector. */
  static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
