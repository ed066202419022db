package io.baton.core.watch;

/** A watch notification: what happened to which path, at which zxid. */
public record WatchEvent(EventType type, String path, long zxid) {
}
