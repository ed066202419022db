package io.baton.core.watch;

import io.baton.core.error.BatonException;

/** Which watches a removal targets, as ZooKeeper's {@code Watcher.WatcherType}. */
public enum WatcherType {
  CHILDREN, DATA, PERSISTENT, PERSISTENT_RECURSIVE, ANY;

  public static WatcherType parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw BatonException.badArguments("unknown watcher type '" + name + "'");
    }
  }
}
