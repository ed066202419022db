package io.baton.core.acl;

import io.baton.core.auth.Caller;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an ACL a client gives (create, setACL) as ZooKeeper's {@code fixupACL} does: it must not be
 * empty, every scheme must be known and every id well formed, and {@code auth} (any id) stands for
 * every identity the client authenticated as (InvalidACL if it has none). Anything else is
 * InvalidACL (-114).
 */
public final class AclLists {
  /** At most this many entries in one ACL. */
  public static final int MAX_ENTRIES = 64;

  private AclLists() {
  }

  /** The ACL to store for {@code given}, from {@code caller}. */
  public static List<Acl> resolve(List<Acl> given, Caller caller) {
    if (given.isEmpty()) {
      throw invalid("an ACL needs at least one entry");
    }
    if (given.size() > MAX_ENTRIES) {
      throw invalid("an ACL has at most " + MAX_ENTRIES + " entries, got " + given.size());
    }
    Set<Acl> out = new LinkedHashSet<>();
    for (Acl a : given) {
      if (a.perms() == 0 || (a.perms() & ~Perms.ALL) != 0) {
        throw invalid("permissions of " + a.id() + " must be a non-empty subset of cdrwa, got " + a.perms());
      }
      String scheme = a.id().scheme();
      switch (scheme) {
        case "world" -> {
          if (!a.id().id().equals("anyone")) {
            throw invalid("the world scheme has one id, anyone; got '" + a.id().id() + "'");
          }
          out.add(a);
        }
        case "auth" -> {
          List<Identity> mine = new ArrayList<>();
          for (Identity i : caller.identities()) {
            if (!i.scheme().equals("ip")) {
              mine.add(i);
            }
          }
          if (mine.isEmpty()) {
            throw invalid("an auth ACL stands for the client's identities, and it has none: authenticate first");
          }
          mine.forEach(i -> out.add(new Acl(a.perms(), i)));
        }
        case "digest" -> {
          int colon = a.id().id().indexOf(':');
          if (colon <= 0 || colon == a.id().id().length() - 1) {
            throw invalid("a digest id is user:base64(sha1(user:password)), got '" + a.id().id() + "'");
          }
          out.add(a);
        }
        case "ip" -> {
          IpRange.parse(a.id().id());
          out.add(a);
        }
        case "x509" -> {
          if (a.id().id().isEmpty()) {
            throw invalid("an x509 id is a certificate subject, got nothing");
          }
          out.add(a);
        }
        default -> throw invalid("unknown ACL scheme '" + scheme + "': use world, auth, digest, ip or x509");
      }
    }
    return List.copyOf(out);
  }

  static BatonException invalid(String why) {
    return new BatonException(ErrorCode.INVALID_ACL, why);
  }
}
