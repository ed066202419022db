package io.baton.core.txn;

import io.baton.core.tree.CreateMode;

/** One write operation on the tree; alone or inside a {@link Command.Multi}. */
public sealed interface Op extends Command {

  /** Path the operation targets (for a sequential create, the prefix). */
  String path();

  /** Create a node; {@code ttl} is used by TTL modes only; parents can be created as persistent nodes. */
  record Create(String path, byte[] data, CreateMode mode, long ttl, boolean createParents) implements Op {
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
