package io.baton.zookeeper.impl;

import io.baton.core.error.BatonException;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatcherType;

/**
 * ZooKeeper's watch numbers: {@code Watcher.WatcherType} of checkWatches/removeWatches,
 * {@code AddWatchMode} of addWatch and the {@code KeeperState} notifications carry. Event types are
 * core's {@link io.baton.core.watch.EventType#code()}, ZooKeeper's own numbers.
 */
final class WatchCodes {
  /** {@code KeeperState.SyncConnected}, the state of every watch notification. */
  static final int SYNC_CONNECTED = 3;

  private WatchCodes() {
  }

  static WatcherType watcherType(int type) {
    return switch (type) {
      case 1 -> WatcherType.CHILDREN;
      case 2 -> WatcherType.DATA;
      case 3 -> WatcherType.ANY;
      case 4 -> WatcherType.PERSISTENT;
      case 5 -> WatcherType.PERSISTENT_RECURSIVE;
      default -> throw BatonException.badArguments("unknown watcher type " + type);
    };
  }

  static AddWatchMode addWatchMode(int mode) {
    return switch (mode) {
      case 0 -> AddWatchMode.PERSISTENT;
      case 1 -> AddWatchMode.PERSISTENT_RECURSIVE;
      default -> throw BatonException.badArguments("unknown addWatch mode " + mode);
    };
  }
}
