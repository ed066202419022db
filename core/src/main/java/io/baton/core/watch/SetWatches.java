package io.baton.core.watch;

import java.util.List;

/**
 * The watches a client held before it reconnected, to be set again (ZooKeeper's SetWatches2):
 * one-shot data, exist and child watches, persistent and persistent-recursive ones, and the last
 * zxid the client had seen ({@code relativeZxid}), against which missed events are found.
 */
public record SetWatches(long relativeZxid, List<String> data, List<String> exist, List<String> child,
                         List<String> persistent, List<String> persistentRecursive) {
  public SetWatches {
    data = List.copyOf(data);
    exist = List.copyOf(exist);
    child = List.copyOf(child);
    persistent = List.copyOf(persistent);
    persistentRecursive = List.copyOf(persistentRecursive);
  }
}
