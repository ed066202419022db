package io.baton.zookeeper.impl;

import io.baton.core.error.BatonException;
import io.baton.core.tree.CreateMode;

/** ZooKeeper's create flags ({@code CreateMode.toFlag()}): wire numbers, copied. */
final class CreateFlags {
  private CreateFlags() {
  }

  /** The mode of flag {@code flags}; BadArguments for an unknown one. */
  static CreateMode mode(int flags) {
    return switch (flags) {
      case 0 -> CreateMode.PERSISTENT;
      case 1 -> CreateMode.EPHEMERAL;
      case 2 -> CreateMode.PERSISTENT_SEQUENTIAL;
      case 3 -> CreateMode.EPHEMERAL_SEQUENTIAL;
      case 4 -> CreateMode.CONTAINER;
      case 5 -> CreateMode.PERSISTENT_WITH_TTL;
      case 6 -> CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
      default -> throw BatonException.badArguments("unknown create flags " + flags);
    };
  }
}
