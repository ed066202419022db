package io.baton.core.watch;

/** A watch notification: what happened to which path, at which zxid. */
public record WatchEvent(EventType type, String path, long zxid) {
  /** The zxid of an event whose change is not known exactly (one replayed by a reconnecting client's setWatches). */
  public static final long NO_ZXID = -1;
}
