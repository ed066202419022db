package io.baton.core.acl;

import io.baton.core.auth.Caller;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.util.List;

/** Whether a caller holds a permission under an ACL, as ZooKeeper's {@code checkACL} decides (super aside). */
public final class AclCheck {
  private AclCheck() {
  }

  /**
   * NoAuth unless {@code caller} is a super user or an entry of {@code acl} (empty: open to all)
   * grants it one of {@code perms} on the node at {@code path}.
   */
  public static void require(List<Acl> acl, int perms, Caller caller, String path) {
    if (!caller.superUser() && !acl.isEmpty() && !permits(acl, perms, caller)) {
      throw new BatonException(ErrorCode.NO_AUTH, "the ACL of " + path + " does not grant " + Perms.format(perms)
          + " to " + (caller.identities().isEmpty() ? "an anonymous client" : caller.identities()));
    }
  }

  /** Whether an entry of {@code acl} grants {@code perm} to one of {@code caller}'s identities. */
  public static boolean permits(List<Acl> acl, int perm, Caller caller) {
    for (Acl a : acl) {
      if ((a.perms() & perm) == 0) {
        continue;
      }
      Identity id = a.id();
      switch (id.scheme()) {
        case "world" -> {
          return true;
        }
        case "ip" -> {
          IpRange range = IpRange.parse(id.id());
          for (Identity i : caller.identities()) {
            if (i.scheme().equals("ip") && range.contains(i.id())) {
              return true;
            }
          }
        }
        default -> {
          if (caller.identities().contains(id)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
