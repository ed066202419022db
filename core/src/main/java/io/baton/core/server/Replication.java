package io.baton.core.server;

import io.baton.core.auth.Caller;
import io.baton.core.error.BatonException;
import io.baton.core.txn.Command;
import io.baton.schemas.log.LogEntry;

/**
 * What a {@link Coordinator} that is one node of a cluster needs from its replication driver. All
 * calls happen on the coordinator's owner thread; the driver answers through the coordinator's
 * cluster methods ({@link Coordinator#applyCommitted}, {@link Coordinator#lead},
 * {@link Coordinator#stepDown}, {@link Coordinator#forwardRejected}, ...), also on that thread.
 */
public interface Replication {

  /**
   * Replicates an entry this node ordered as the leader. {@code origin} is the tag of a request a
   * follower forwarded (0 for the leader's own); it travels with the entry so that node can answer.
   */
  void propose(long origin, LogEntry entry);

  /**
   * Sends a local client's command to the leader. The outcome comes back as a committed entry
   * carrying {@code tag} or as {@link Coordinator#forwardRejected}; if leadership changes first the
   * coordinator gives up on it ({@code ConnectionLoss}). {@code caller} travels with it: the leader
   * checks ACLs for it.
   */
  void forward(long tag, long sessionId, Command command, Caller caller);

  /** Tells the follower that forwarded {@code tag} that the leader refused it. */
  void reject(long tag, BatonException error);

  /** A session was active at this node (request or heartbeat): keeps it alive at the leader. */
  void touched(long sessionId);

  /**
   * Whether this node leads or has heard from a leader within the last election timeouts. A node
   * cut off from the cluster fails its clients' heartbeats, so they move to a node that can serve
   * them (as a ZooKeeper server that lost its leader drops its clients).
   */
  boolean inContact();
}
