package io.baton.core.replication;

/**
 * Sends frames ({@link PeerCodec}) to the other nodes of a cluster. Best effort: a frame may be
 * lost (a peer down, a connection dropped); Raft retries. Frames to one peer arrive in order while
 * a connection lasts. Called on the owner thread; must not block it. Received frames are handed to
 * {@link RaftReplication#receive} on the owner thread.
 */
public interface PeerNetwork {
  void send(long to, byte[] frame);
}
