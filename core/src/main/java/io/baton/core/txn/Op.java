package io.baton.core.txn;

import io.baton.core.acl.Acl;
import io.baton.core.tree.CreateMode;
import java.util.List;

/** One write operation on the tree; alone or inside a {@link Command.Multi}. */
public sealed interface Op extends Command {

  /** Path the operation targets (for a sequential create, the prefix). */
  String path();

  /**
   * Create a node with {@code acl} (empty: open to all; {@code auth} entries stand for the caller's
   * identities); {@code ttl} is used by TTL modes only; parents can be created as persistent nodes,
   * with the same ACL.
   */
  record Create(String path, byte[] data, CreateMode mode, long ttl, boolean createParents, List<Acl> acl)
      implements Op {
    public Create {
      acl = List.copyOf(acl);
    }

    /** A create open to all. */
    public Create(String path, byte[] data, CreateMode mode, long ttl, boolean createParents) {
      this(path, data, mode, ttl, createParents, List.of());
    }
  }

  /** Delete a childless node if its version matches ({@code -1} matches any). */
  record Delete(String path, int version) implements Op {
  }

  /** Replace a node's data if its version matches ({@code -1} matches any). */
  record SetData(String path, byte[] data, int version) implements Op {
  }

  /** Check a node's version; only meaningful inside a multi. */
  record Check(String path, int version) implements Op {
  }
}
