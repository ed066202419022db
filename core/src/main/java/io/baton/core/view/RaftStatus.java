package io.baton.core.view;

import java.util.List;

/**
 * A cluster member's Raft state, copied on the owner thread (an immutable snapshot any thread may read).
 *
 * @param role                  follower, pre_candidate, candidate or leader
 * @param leader                the leader this node follows (itself when leading), 0 if none
 * @param lastLeaderContactMillis wall-clock time a follower last heard its leader (0: never)
 */
public record RaftStatus(long id, String role, long term, long leader, long commitIndex, long appliedIndex,
                         long lastIndex, long leaderChanges, long proposalsCommitted, long proposalsPending,
                         long proposalsFailed, long lastLeaderContactMillis, List<PeerStatus> peers) {
  /** Whether some leader is known. */
  public boolean hasLeader() {
    return leader != 0;
  }
}
