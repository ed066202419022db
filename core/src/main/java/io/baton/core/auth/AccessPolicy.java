package io.baton.core.auth;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import java.util.List;

/**
 * What a caller may do regardless of ACLs: the recipe tree ({@value #RECIPE_ROOT} and below) is
 * written only by the recipes (and super identities), so no client can forge a lock grant or delete
 * another session's contender; {@value #SYSTEM_ROOT} (quotas) only by super identities; with {@code enforceAuth} an unauthenticated caller may only open a
 * session and authenticate; admin operations need a super identity once authentication is enforced.
 */
public final class AccessPolicy {
  /** The root of the recipes' nodes. */
  public static final String RECIPE_ROOT = "/baton";
  /** ZooKeeper's system subtree (quotas under {@code /zookeeper/quota}); only super identities write it. */
  public static final String SYSTEM_ROOT = io.baton.core.tree.SystemNodes.ZOOKEEPER;

  private final AuthConfig config;

  public AccessPolicy(AuthConfig config) {
    this.config = config;
  }

  public AuthConfig config() {
    return config;
  }

  /** Whether {@code caller} holds a super identity. */
  public boolean isSuper(Caller caller) {
    if (caller.superUser()) {
      return true;
    }
    for (Identity i : caller.identities()) {
      if (config.superUsers().contains(i)) {
        return true;
      }
    }
    return false;
  }

  /** Under {@code enforceAuth}, fails with SessionClosedRequireAuth unless the caller authenticated. */
  public void checkAuthenticated(Caller caller, String op) {
    if (config.enforceAuth() && !caller.authenticated()) {
      throw new BatonException(ErrorCode.SESSION_CLOSED_REQUIRE_AUTH, "'" + op + "' needs an authenticated client"
          + " (enforceAuth): authenticate first (auth with digest credentials, or a client certificate)");
    }
  }

  /** Admin operations (snapshot, digest, cluster admin): super only once authentication is enforced. */
  public void checkAdmin(Caller caller, String op) {
    if (config.enforceAuth() && !isSuper(caller)) {
      throw new BatonException(ErrorCode.NO_AUTH, "'" + op + "' is an admin operation: it needs a super identity");
    }
  }

  /** Fails with NoAuth if a client command writes under the recipe root and the caller is not super. */
  public void checkWrite(Caller caller, Command command) {
    List<Op> ops = command instanceof Command.Multi m ? m.ops() : command instanceof Op op ? List.of(op) : List.of();
    for (Op op : ops) {
      String path = op instanceof Op.Create c ? c.path() : op instanceof Op.Delete d ? d.path()
          : op instanceof Op.SetData s ? s.path() : null;
      if (path == null || isSuper(caller)) {
        continue;
      }
      if (under(path, RECIPE_ROOT)) {
        throw new BatonException(ErrorCode.NO_AUTH, path + " is in the recipe tree (" + RECIPE_ROOT + "), which only"
            + " the recipe operations change; use them (lock.release, election.resign, ...)");
      }
      if (under(path, SYSTEM_ROOT)) {
        throw new BatonException(ErrorCode.NO_AUTH, path + " is in " + SYSTEM_ROOT + " (quotas, configuration),"
            + " which only super identities change");
      }
    }
  }

  private static boolean under(String path, String root) {
    return path.equals(root) || path.startsWith(root + "/");
  }
}
