package io.baton.core.server;

import io.baton.core.error.BatonException;
import io.baton.core.txn.OpResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes a follower forwarded to the leader, by tag (the node id in the high byte), each
 * answered when its entry is applied here, when the leader refuses it, or with ConnectionLoss when
 * no answer comes in time or the term changes. Owner thread only.
 */
final class Forwards {
  private static final long TIMEOUT_MS = 10_000;
  private static final long TAG_SEQUENCE = (1L << 56) - 1;

  private record Forwarded(Completion<List<OpResult>> done, long deadline) {
  }

  private final Map<Long, Forwarded> byTag = new HashMap<>();
  private final long nodeId;
  private long sequence;

  Forwards(int nodeId, long now) {
    this.nodeId = nodeId;
    this.sequence = now * 1000;
  }

  /** Records a write about to be forwarded at {@code now}; returns its tag. */
  long add(Completion<List<OpResult>> done, long now) {
    long tag = (nodeId << 56) | (++sequence & TAG_SEQUENCE);
    byTag.put(tag, new Forwarded(done, now + TIMEOUT_MS));
    return tag;
  }

  /** The completion of the write forwarded under {@code tag}, no longer pending; null if there is none. */
  Completion<List<OpResult>> remove(long tag) {
    Forwarded f = byTag.remove(tag);
    return f == null ? null : f.done();
  }

  /** Writes forwarded and not answered yet. */
  int size() {
    return byTag.size();
  }

  boolean isPending(long tag) {
    return byTag.containsKey(tag);
  }

  /** Fails with ConnectionLoss the writes whose deadline is {@code now} or earlier (all: {@link Long#MAX_VALUE}). */
  void failDue(long now) {
    if (byTag.isEmpty()) {
      return;
    }
    List<Long> due = new ArrayList<>();
    for (Map.Entry<Long, Forwarded> e : byTag.entrySet()) {
      if (e.getValue().deadline() <= now) {
        due.add(e.getKey());
      }
    }
    for (long tag : due) {
      BatonException loss = Coordinator.connectionLoss(now == Long.MAX_VALUE
          ? "the leader changed before the write was applied" : "no answer from the leader in time");
      byTag.remove(tag).done().complete(null, loss);
    }
  }
}
