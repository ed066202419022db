package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Raft's safety and liveness on seeded simulated networks; each seed is a reproducible scenario. */
class RaftSimulationTest {

  @Test
  void electsOneLeaderAndReplicates() {
    Simulation sim = new Simulation(3, 1);
    sim.run(60);
    RaftNode leader = sim.leader();
    assertThat(leader).isNotNull();
    for (int i = 0; i < 20; i++) {
      assertThat(sim.propose()).isTrue();
    }
    sim.run(30);
    for (long id : sim.ids) {
      assertThat(sim.applied.get(id)).hasSize(21);
    }
    sim.checkLogMatching();
  }

  @Test
  void singleNodeCommitsAlone() {
    Simulation sim = new Simulation(1, 7);
    sim.run(30);
    assertThat(sim.propose()).isTrue();
    sim.run(2);
    assertThat(sim.applied.get(1L)).hasSize(2);
  }

  @Test
  void isolatedLeaderStepsDownAndCannotCommit() {
    Simulation sim = new Simulation(5, 3);
    sim.run(60);
    RaftNode old = sim.leader();
    sim.isolated = new java.util.HashSet<>(List.of(old.id()));
    old.propose("lost".getBytes());
    sim.drain(old);
    sim.run(80);
    assertThat(old.role()).as("check-quorum makes the isolated leader step down").isNotEqualTo(RaftNode.Role.LEADER);
    RaftNode fresh = sim.leader();
    assertThat(fresh.id()).isNotEqualTo(old.id());
    assertThat(fresh.term()).isGreaterThan(old.term() - 1);
    assertThat(sim.committed.values()).noneMatch(e -> new String(e.data()).equals("lost"));
    long termBefore = fresh.term();
    sim.isolated = new java.util.HashSet<>();
    sim.run(80);
    assertThat(sim.leader().term()).as("pre-vote: the returning node does not disrupt the leader")
        .isEqualTo(termBefore);
    sim.propose();
    sim.run(40);
    for (long id : sim.ids) {
      assertThat(sim.applied.get(id)).hasSameSizeAs(sim.applied.get(fresh.id()));
    }
    sim.checkLogMatching();
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void safeUnderDropsDelaysDuplicatesPartitionsAndCrashes(int size) {
    for (long seed = 1; seed <= 60; seed++) {
      Simulation sim = new Simulation(size, seed * 7919 + size);
      sim.faults = new Simulation.Faults(0.1, 0.05, 6, 0.01, 0.01);
      runFaultyThenHeal(sim, seed);
    }
  }

  /** As above, with hosts compacting at random points: lagging nodes catch up through snapshots. */
  @ParameterizedTest
  @ValueSource(ints = {3, 5})
  void safeWithRandomCompactionAndSnapshotInstalls(int size) {
    int installs = 0;
    for (long seed = 1; seed <= 40; seed++) {
      Simulation sim = new Simulation(size, seed * 104729 + size);
      sim.faults = new Simulation.Faults(0.1, 0.05, 6, 0.02, 0.02);
      sim.compaction = 0.05;
      runFaultyThenHeal(sim, seed);
      assertThat(sim.snapshotsSent).isGreaterThanOrEqualTo(sim.snapshotsInstalled);
      installs += sim.snapshotsInstalled;
    }
    assertThat(installs).as("nodes caught up through snapshots").isGreaterThanOrEqualTo(40);
  }

  private static void runFaultyThenHeal(Simulation sim, long seed) {
    for (int round = 0; round < 400; round++) {
      sim.step();
      if (round % 3 == 0) {
        sim.propose();
      }
      if (round % 100 == 0) {
        sim.checkLogMatching();
      }
    }
    sim.heal();
    sim.run(150);
    RaftNode leader = sim.leader();
    assertThat(leader).as("seed %d elects a leader once healed", seed).isNotNull();
    assertThat(sim.propose()).isTrue();
    sim.run(60);
    sim.checkLogMatching();
    int expected = sim.applied.get(leader.id()).size();
    for (long id : sim.ids) {
      assertThat(sim.applied.get(id)).as("seed %d node %d converges", seed, id).hasSize(expected);
    }
  }

  @Test
  void laggingFollowerCatchesUpThroughASnapshotThenAppends() {
    Simulation sim = new Simulation(3, 5);
    sim.run(60);
    RaftNode leader = sim.leader();
    long follower = sim.ids.stream().filter(id -> id != leader.id()).findFirst().orElseThrow();
    sim.crash(follower);
    for (int i = 0; i < 40; i++) {
      assertThat(sim.propose()).isTrue();
    }
    sim.run(20);
    for (long id : sim.nodes.keySet()) {
      sim.compact(id, sim.applied.get(id).size());
    }
    assertThat(leader.snapshot().index()).isEqualTo(41);
    assertThat(sim.disks.get(follower).log).as("the follower missed the compacted entries").hasSizeLessThan(41);

    sim.heal();
    sim.run(40);
    assertThat(sim.snapshotsInstalled).isEqualTo(1);
    assertThat(sim.nodes.get(follower).snapshot()).isEqualTo(leader.snapshot());
    assertThat(sim.nodes.get(follower).commitIndex()).isEqualTo(41);
    assertThat(sim.applied.get(follower)).hasSize(41);

    for (int i = 0; i < 5; i++) {
      assertThat(sim.propose()).isTrue();
    }
    sim.run(20);
    assertThat(sim.snapshotsInstalled).as("later entries arrive as appends").isEqualTo(1);
    for (long id : sim.ids) {
      assertThat(sim.applied.get(id)).hasSize(46);
    }
    assertThat(sim.disks.get(follower).log).extracting(Entry::index).containsExactly(42L, 43L, 44L, 45L, 46L);
    sim.checkLogMatching();
  }
}
