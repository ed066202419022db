package io.baton.core.tree;

import io.baton.core.error.BatonException;

/** The kinds of node a create can make, as in ZooKeeper's {@code CreateMode}. */
public enum CreateMode {
  PERSISTENT(false, false, false, false),
  PERSISTENT_SEQUENTIAL(false, true, false, false),
  EPHEMERAL(true, false, false, false),
  EPHEMERAL_SEQUENTIAL(true, true, false, false),
  CONTAINER(false, false, true, false),
  PERSISTENT_WITH_TTL(false, false, false, true),
  PERSISTENT_SEQUENTIAL_WITH_TTL(false, true, false, true);

  private final boolean ephemeral;
  private final boolean sequential;
  private final boolean container;
  private final boolean ttl;

  CreateMode(boolean ephemeral, boolean sequential, boolean container, boolean ttl) {
    this.ephemeral = ephemeral;
    this.sequential = sequential;
    this.container = container;
    this.ttl = ttl;
  }

  public boolean isEphemeral() {
    return ephemeral;
  }

  public boolean isSequential() {
    return sequential;
  }

  public boolean isContainer() {
    return container;
  }

  public boolean isTtl() {
    return ttl;
  }

  /** Parses a mode name case-insensitively ({@code "ephemeral_sequential"}). */
  public static CreateMode parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw BatonException.badArguments("unknown create mode '" + name + "'");
    }
  }
}
