package io.baton.core.stream;

/**
 * One committed change, derived from a log entry alone (see {@link ChangeEvents}): what the change
 * stream, the Kafka bridge and the watch manager consume. Several events can share a zxid (a multi,
 * a session close with its ephemerals).
 *
 * @param sessionId for node events the node's ephemeralOwner, for session events the session
 * @param version   the node's data version after the change (session events: the timeout)
 * @param data      new data for created / data-changed nodes, else null
 * @param cause     for deletes: CLIENT, CONTAINER, TTL, SESSION_CLOSED or SESSION_EXPIRED; for session close: CLOSED or EXPIRED
 */
public record ChangeEvent(long zxid, long time, Kind kind, String path, long sessionId, int version, byte[] data,
                          String cause) {

  /** What changed. */
  public enum Kind {
    NODE_CREATED, NODE_DELETED, NODE_DATA_CHANGED, SESSION_OPENED, SESSION_CLOSED
  }
}
