package io.baton.core.acl;

import io.baton.core.auth.Caller;
import io.baton.core.auth.Identity;
import java.util.List;

/** Whether a caller holds a permission under an ACL, as ZooKeeper's {@code checkACL} decides (super aside). */
public final class AclCheck {
  private AclCheck() {
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
