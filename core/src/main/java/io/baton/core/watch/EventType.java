package io.baton.core.watch;

/** Watch event types with ZooKeeper's names and numbers ({@code Watcher.Event.EventType}). */
public enum EventType {
  NodeCreated(1),
  NodeDeleted(2),
  NodeDataChanged(3),
  NodeChildrenChanged(4),
  DataWatchRemoved(5),
  ChildWatchRemoved(6),
  PersistentWatchRemoved(7);

  private final int code;

  EventType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
