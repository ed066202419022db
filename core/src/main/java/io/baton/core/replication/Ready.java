package io.baton.core.replication;

import java.util.List;

/**
 * Output of a {@link RaftNode} step, handled by the host in this order: if {@code snapshot} is not
 * null, install it (replace the state machine by the snapshot data received with the leader's
 * {@link RaftMessage.Type#SNAPSHOT} message, persist it, then discard the persisted log: it
 * continues after {@code snapshot.index()}); persist {@code hardState} (if not null) and
 * {@code entries} (they replace any persisted entries from the first one's index on), then send
 * {@code messages}, then apply {@code committed} in order, then call {@link RaftNode#advance(Ready)}.
 *
 * @param snapshot a snapshot received from the leader that the host must install first, or null
 */
public record Ready(HardState hardState, List<Entry> entries, List<RaftMessage> messages, List<Entry> committed,
                    SnapshotMeta snapshot) {

  /** A Ready without a snapshot to install. */
  public Ready(HardState hardState, List<Entry> entries, List<RaftMessage> messages, List<Entry> committed) {
    this(hardState, entries, messages, committed, null);
  }

  public boolean isEmpty() {
    return snapshot == null && hardState == null && entries.isEmpty() && messages.isEmpty() && committed.isEmpty();
  }
}
