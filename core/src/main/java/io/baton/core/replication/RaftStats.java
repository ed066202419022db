package io.baton.core.replication;

import io.baton.core.view.PeerStatus;
import io.baton.core.view.RaftStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node's Raft host counts and times for operators: leader changes, proposals committed,
 * pending and failed, and per peer the last answer heard and the round trip of its appends (an
 * append sent, the next answer to it). Owner thread only; {@link #status} copies it into an
 * immutable {@link RaftStatus}.
 */
final class RaftStats {
  private static final class Peer {
    long firstUnansweredNanos;
    long lastAnswerNanos;
    long lastAnswerMillis;
    long rttNanos = -1;
  }

  private final Map<Long, Peer> peers = new HashMap<>();
  private long leader;
  private long leaderChanges;
  private long committed;
  private long failed;

  RaftStats(List<Long> voters, long self) {
    for (long v : voters) {
      if (v != self) {
        peers.put(v, new Peer());
      }
    }
  }

  void sent(RaftMessage m) {
    Peer p = peers.get(m.to());
    if (p != null && m.type() == RaftMessage.Type.APPEND && p.firstUnansweredNanos == 0) {
      p.firstUnansweredNanos = System.nanoTime();
    }
  }

  void received(RaftMessage m, long nowMillis) {
    Peer p = peers.get(m.from());
    if (p == null) {
      return;
    }
    long now = System.nanoTime();
    p.lastAnswerNanos = now;
    p.lastAnswerMillis = nowMillis;
    if (m.type() == RaftMessage.Type.APPEND_RESP && p.firstUnansweredNanos != 0) {
      p.rttNanos = now - p.firstUnansweredNanos;
      p.firstUnansweredNanos = 0;
    }
  }

  void leader(long id) {
    if (id != 0 && id != leader) {
      leaderChanges++;
    }
    if (id != 0) {
      leader = id;
    }
  }

  void proposalCommitted() {
    committed++;
  }

  void proposalsFailed(int count) {
    failed += count;
  }

  /**
   * The node's view now. A peer is up while it answered within {@code downAfterMillis}; only a
   * leader hears from every peer, so a follower reports the others' match index as unknown (-1).
   */
  RaftStatus status(RaftNode node, long applied, int pending, long lastLeaderContactMillis, long downAfterMillis) {
    long now = System.nanoTime();
    boolean leading = node.role() == RaftNode.Role.LEADER;
    List<PeerStatus> out = new ArrayList<>(peers.size());
    for (Map.Entry<Long, Peer> e : peers.entrySet()) {
      Peer p = e.getValue();
      long match = leading ? node.matchIndex(e.getKey()) : -1;
      boolean heard = p.lastAnswerNanos != 0 && now - p.lastAnswerNanos <= downAfterMillis * 1_000_000L;
      out.add(new PeerStatus(e.getKey(), match, match < 0 ? -1 : Math.max(0, node.lastIndex() - match),
          p.lastAnswerMillis, p.rttNanos, heard));
    }
    out.sort((a, b) -> Long.compare(a.id(), b.id()));
    return new RaftStatus(node.id(), node.role().name().toLowerCase(java.util.Locale.ROOT), node.term(),
        node.leader(), node.commitIndex(), applied, node.lastIndex(), leaderChanges, committed, pending, failed,
        lastLeaderContactMillis, List.copyOf(out));
  }
}
