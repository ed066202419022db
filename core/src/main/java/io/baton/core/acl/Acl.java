package io.baton.core.acl;

import io.baton.core.auth.Identity;

/**
 * One entry of a znode's ACL: {@code perms} (see {@link Perms}) granted to whoever is {@code id}
 * ({@code world:anyone}, {@code digest:user:hash}, {@code ip:10.0.0.0/8}, {@code x509:CN=...}).
 */
public record Acl(int perms, Identity id) {
  /** Everything for everyone: ZooKeeper's OPEN_ACL_UNSAFE, the ACL of a node created without one. */
  public static final Acl OPEN = new Acl(Perms.ALL, new Identity("world", "anyone"));

  @Override
  public String toString() {
    return id + ":" + Perms.format(perms);
  }
}
