package io.baton.vertx.client;

/**
 * Connection events of a {@link CoordinationClient} (ZooKeeper's Disconnected / SyncConnected /
 * Expired), given to {@link CoordinationClient#connectionStateHandler}.
 */
public enum ConnectionState {
  /** The connection to the node was lost; the client is reconnecting, requests fail with ConnectionLoss. */
  DISCONNECTED,
  /**
   * The session is back through a node at least as recent as anything the client has seen, and its
   * watches, change streams and recipe subscriptions are registered again.
   */
  RECONNECTED,
  /** The session is gone (expired, closed elsewhere, or no node reachable for a whole session timeout). */
  EXPIRED
}
