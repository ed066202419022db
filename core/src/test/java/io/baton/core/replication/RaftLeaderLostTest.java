package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A follower told that its leader's connection closed campaigns within the randomized rest of an
 * election timeout instead of a whole one; a follower that still hears from the leader keeps ignoring
 * its pre-vote, so a link that only flapped deposes nobody.
 */
class RaftLeaderLostTest {
  private static final List<Long> IDS = List.of(1L, 2L, 3L);
  private static final int ELECTION_TICKS = 10;

  /** Node {@code id}, a follower of node 1 in term 1 that has just heard from it. */
  private static RaftNode follower(long id, long seed) {
    RaftNode n = new RaftNode(id, IDS, new RaftConfig(ELECTION_TICKS, 1, true, 64), new Random(seed),
        new HardState(1, 0, 0), List.of(new Entry(1, 1, new byte[0])), 0);
    n.step(new RaftMessage(RaftMessage.Type.APPEND, 1, id, 1, 1, 1, List.of(), 1, false, 0));
    n.ready();
    assertThat(n.role()).isEqualTo(RaftNode.Role.FOLLOWER);
    assertThat(n.leader()).isEqualTo(1);
    return n;
  }

  private static int ticksToCampaign(RaftNode n) {
    for (int t = 1; t <= 3 * ELECTION_TICKS; t++) {
      n.tick();
      if (n.role() != RaftNode.Role.FOLLOWER) {
        return t;
      }
    }
    return -1;
  }

  @Test
  void aFollowerWhoseLeaderIsLostCampaignsBeforeAWholeTimeout() {
    for (long seed = 0; seed < 20; seed++) {
      RaftNode n = follower(2, seed);
      assertThat(n.peerLost(1)).as("its leader").isTrue();
      int ticks = ticksToCampaign(n);
      assertThat(ticks).as("seed %d", seed).isBetween(1, ELECTION_TICKS - 1);
      assertThat(n.role()).isEqualTo(RaftNode.Role.PRE_CANDIDATE);
    }
  }

  @Test
  void losingAnotherPeerChangesNothing() {
    for (long seed = 0; seed < 20; seed++) {
      RaftNode n = follower(2, seed);
      assertThat(n.peerLost(3)).as("not its leader").isFalse();
      assertThat(ticksToCampaign(n)).as("seed %d", seed).isGreaterThanOrEqualTo(ELECTION_TICKS);
    }
  }

  @Test
  void aFollowerThatStillHearsTheLeaderIgnoresThePreVote() {
    RaftNode lost = follower(2, 1);
    RaftNode other = follower(3, 2);
    lost.peerLost(1);
    ticksToCampaign(lost);
    RaftMessage preVote = lost.ready().messages().stream()
        .filter(m -> m.type() == RaftMessage.Type.PRE_VOTE && m.to() == 3).findFirst().orElseThrow();
    other.tick();
    other.step(preVote);
    assertThat(other.role()).isEqualTo(RaftNode.Role.FOLLOWER);
    assertThat(other.term()).isEqualTo(1);
    assertThat(other.hasReady() ? other.ready().messages() : List.<RaftMessage>of())
        .noneMatch(m -> m.type() == RaftMessage.Type.PRE_VOTE_RESP && !m.reject());
  }
}
