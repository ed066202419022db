package io.baton.core.replication;

import java.util.List;

/**
 * Output of a {@link RaftNode} step, handled by the host in this order: persist {@code hardState}
 * (if not null) and {@code entries} (they replace any persisted entries from the first one's index
 * on), then send {@code messages}, then apply {@code committed} in order, then call
 * {@link RaftNode#advance(Ready)}.
 */
public record Ready(HardState hardState, List<Entry> entries, List<RaftMessage> messages, List<Entry> committed) {

  public boolean isEmpty() {
    return hardState == null && entries.isEmpty() && messages.isEmpty() && committed.isEmpty();
  }
}
