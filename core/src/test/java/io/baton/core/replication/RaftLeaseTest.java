package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A leader whose check-quorum holds ignores vote requests of a higher term, as a follower that heard
 * from its leader does: a node that rejoins with a log as long as the leader's (woken from a pause,
 * or restarted on an idle cluster) cannot depose it. (A leader used to grant such a pre-vote and a
 * vote, so with one other grant the rejoining node won and the healthy leader stepped down.)
 */
class RaftLeaseTest {
  private static final List<Long> IDS = List.of(1L, 2L, 3L);

  private static RaftNode leader() {
    RaftNode n = new RaftNode(1, IDS, new RaftConfig(10, 1, true, 64), new Random(1), new HardState(1, 0, 0),
        List.of(new Entry(1, 1, new byte[0])), 0);
    while (n.role() != RaftNode.Role.PRE_CANDIDATE && n.role() != RaftNode.Role.CANDIDATE) {
      n.tick();
    }
    if (n.role() == RaftNode.Role.PRE_CANDIDATE) {
      n.step(new RaftMessage(RaftMessage.Type.PRE_VOTE_RESP, 2, 1, n.term() + 1, 0, 0, List.of(), 0, false, 0));
    }
    n.step(new RaftMessage(RaftMessage.Type.VOTE_RESP, 2, 1, n.term(), 0, 0, List.of(), 0, false, 0));
    assertThat(n.role()).isEqualTo(RaftNode.Role.LEADER);
    n.ready();
    return n;
  }

  @Test
  void aLeaderIgnoresPreVotesAndVotesOfAHigherTermFromANodeAsUpToDateAsItself() {
    RaftNode n = leader();
    long term = n.term();
    long lastIndex = 2; // the entry of term 1 and the new leader's own first entry
    for (RaftMessage.Type type : List.of(RaftMessage.Type.PRE_VOTE, RaftMessage.Type.VOTE)) {
      n.step(new RaftMessage(type, 3, 1, term + 1, lastIndex, term, List.of(), 0, false, 0));
      assertThat(n.role()).as("after a %s", type).isEqualTo(RaftNode.Role.LEADER);
      assertThat(n.term()).isEqualTo(term);
      assertThat(n.hasReady() ? n.ready().messages() : List.<RaftMessage>of())
          .as("replies to a %s", type).noneMatch(m -> m.to() == 3 && !m.reject());
    }
  }
}
