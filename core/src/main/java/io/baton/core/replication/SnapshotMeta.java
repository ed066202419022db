package io.baton.core.replication;

/**
 * Identifies a host-level snapshot: the state machine's state after applying every entry through
 * {@code index}, whose entry had {@code term}. The Raft log only keeps entries after it.
 */
public record SnapshotMeta(long index, long term) {
  public SnapshotMeta {
    if (index < 1 || term < 0) {
      throw new IllegalArgumentException("snapshot at index " + index + ", term " + term);
    }
  }
}
