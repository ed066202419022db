package io.baton.core.replication;

/**
 * Sends frames ({@link PeerCodec}) to the other nodes of a cluster. Best effort: a frame may be
 * lost (a peer down, a connection dropped); Raft retries. Frames to one peer arrive in order while
 * a connection lasts. Called on the owner thread; must not block it. Received frames are handed to
 * {@link RaftReplication#receive} on the owner thread.
 */
public interface PeerNetwork {
  void send(long to, byte[] frame);

  /**
   * Streams a file to a peer as frames built by {@code framer}, none dropped (paced by the link),
   * followed by {@code last}; calls {@code done} on the owner thread with null, or with the error if
   * the link was down or broke (the caller retries later).
   */
  void sendFile(long to, java.nio.file.Path file, ChunkFramer framer, byte[] last,
                java.util.function.Consumer<Throwable> done);

  /** Makes the frame carrying one chunk of a file. */
  @FunctionalInterface
  interface ChunkFramer {
    byte[] frame(long offset, byte[] chunk, long total);
  }
}
