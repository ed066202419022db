package io.baton.core.auth;

import java.util.Set;

/**
 * Authentication settings of a node.
 *
 * @param enforceAuth a request from a client with no identity is refused (but opening a session and
 *                    authenticating), and admin operations need a super identity
 * @param superUsers  identities that may do anything: write under the recipe root, bypass ACLs, run
 *                    admin operations (ZooKeeper's {@code superDigest} is {@code digest:super:<hash>} here)
 */
public record AuthConfig(boolean enforceAuth, Set<Identity> superUsers) {
  public AuthConfig {
    superUsers = Set.copyOf(superUsers);
  }

  /** No enforcement and no super identity: the default of a lone local node. */
  public static AuthConfig open() {
    return new AuthConfig(false, Set.of());
  }
}
