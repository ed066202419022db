package io.baton.core.watch;

import io.baton.core.error.BatonException;

/** Modes of {@code addWatch} (ZooKeeper 3.6): watches that stay until removed. */
public enum AddWatchMode {
  /** Data and child events of one path. */
  PERSISTENT,
  /** Created, deleted and data-changed events of a path and everything below it. */
  PERSISTENT_RECURSIVE;

  public static AddWatchMode parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw BatonException.badArguments("unknown watch mode '" + name + "'");
    }
  }
}
