package io.baton.core.replication;

import static io.baton.core.replication.RaftMessage.Type.APPEND;
import static io.baton.core.replication.RaftMessage.Type.APPEND_RESP;
import static io.baton.core.replication.RaftMessage.Type.SNAPSHOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Compaction and snapshot install on {@link RaftNode}s wired by hand, message by message. */
class RaftSnapshotTest {
  private static final List<Long> IDS = List.of(1L, 2L, 3L);
  private static final RaftConfig CONFIG = new RaftConfig(10, 2, false, 16);
  private static final long TERM = 6;
  private static final SnapshotMeta AT_15 = new SnapshotMeta(15, TERM);

  /** Nodes whose messages are delivered; messages to any other node are handed back. */
  private final Map<Long, RaftNode> nodes = new HashMap<>();

  private static RaftNode node(long id, HardState hs, List<Entry> entries) {
    return new RaftNode(id, IDS, CONFIG, new Random(id), hs, entries, 0);
  }

  /** Hands every Ready to the (storage-less) host, advancing after each; returns them. */
  private static List<Ready> drain(RaftNode n) {
    List<Ready> out = new ArrayList<>();
    while (n.hasReady()) {
      Ready r = n.ready();
      out.add(r);
      n.advance(r);
    }
    return out;
  }

  private static List<RaftMessage> messages(List<Ready> readies) {
    return readies.stream().flatMap(r -> r.messages().stream()).toList();
  }

  /** Delivers messages among {@link #nodes} until none is left; returns those to other nodes. */
  private List<RaftMessage> exchange(List<RaftMessage> pending) {
    List<RaftMessage> undelivered = new ArrayList<>();
    Deque<RaftMessage> queue = new ArrayDeque<>(pending);
    while (!queue.isEmpty()) {
      RaftMessage m = queue.poll();
      RaftNode to = nodes.get(m.to());
      if (to == null) {
        undelivered.add(m);
      } else {
        to.step(m);
        queue.addAll(messages(drain(to)));
      }
    }
    return undelivered;
  }

  private List<RaftMessage> tick(RaftNode leader) {
    leader.tick();
    return exchange(messages(drain(leader)));
  }

  /**
   * Node 1 leads (term 6) with node 2; node 3 is absent. Entries 1..21 are committed and applied on
   * the leader, which has compacted through 15.
   */
  private RaftNode compactedLeader() {
    RaftNode leader = node(1, new HardState(5, 0, 0), List.of());
    nodes.put(1L, leader);
    nodes.put(2L, node(2, new HardState(5, 0, 0), List.of()));
    while (leader.role() != RaftNode.Role.CANDIDATE) {
      leader.tick();
    }
    exchange(messages(drain(leader)));
    assertThat(leader.role()).isEqualTo(RaftNode.Role.LEADER);
    for (int i = 1; i <= 20; i++) {
      leader.propose(("v" + i).getBytes());
      exchange(messages(drain(leader)));
    }
    tick(leader);
    tick(leader);
    assertThat(leader.term()).isEqualTo(TERM);
    assertThat(leader.commitIndex()).isEqualTo(21);
    assertThat(nodes.get(2L).commitIndex()).isEqualTo(21);
    leader.compact(15);
    assertThat(leader.snapshot()).isEqualTo(AT_15);
    assertThat(leader.termAt(15)).isEqualTo(TERM);
    assertThat(leader.termAt(14)).as("compacted").isEqualTo(-1);
    return leader;
  }

  /** Ticks the leader until it sends something to node 3; returns that. */
  private List<RaftMessage> nextToNode3(RaftNode leader) {
    for (int i = 0; i < 3 * CONFIG.electionTicks(); i++) {
      List<RaftMessage> out = tick(leader);
      if (!out.isEmpty()) {
        return out;
      }
    }
    throw new AssertionError("the leader sent nothing to node 3");
  }

  private static RaftMessage snapshotFrom1(long term, SnapshotMeta s, long commit) {
    return new RaftMessage(SNAPSHOT, 1, 3, term, s.index(), s.term(), List.of(), commit, false, 0);
  }

  @Test
  void followerFarBehindACompactedLeaderGetsTheSnapshotThenAppends() {
    RaftNode leader = compactedLeader();
    RaftNode follower = node(3, new HardState(0, 0, 0), List.of());

    // the heartbeat's consistency check fails; the entries it needs are compacted: a snapshot
    List<RaftMessage> probe = nextToNode3(leader);
    assertThat(probe).singleElement().extracting(RaftMessage::type).isEqualTo(APPEND);
    follower.step(probe.get(0));
    RaftMessage reject = messages(drain(follower)).get(0);
    assertThat(reject.reject()).isTrue();
    leader.step(reject);
    List<RaftMessage> sent = messages(drain(leader));
    assertThat(sent).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(SNAPSHOT);
      assertThat(List.of(m.from(), m.to(), m.term(), m.index(), m.logTerm(), m.commit()))
          .containsExactly(1L, 3L, TERM, 15L, TERM, 21L);
      assertThat(m.entries()).isEmpty();
    });
    for (int i = 0; i < CONFIG.electionTicks() - 1; i++) {
      assertThat(tick(leader)).as("nothing else while the snapshot is outstanding").isEmpty();
    }

    follower.step(sent.get(0));
    List<Ready> installed = drain(follower);
    Ready r = installed.get(0);
    assertThat(r.snapshot()).isEqualTo(AT_15);
    assertThat(r.entries()).isEmpty();
    assertThat(r.committed()).isEmpty();
    assertThat(r.hardState()).isEqualTo(new HardState(TERM, 0, 15));
    assertThat(r.messages()).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(APPEND_RESP);
      assertThat(m.index()).isEqualTo(15);
      assertThat(m.reject()).isFalse();
    });
    assertThat(installed).hasSize(1);
    assertThat(follower.snapshot()).isEqualTo(AT_15);
    assertThat(follower.commitIndex()).isEqualTo(15);
    assertThat(follower.lastIndex()).isEqualTo(15);
    assertThat(follower.hasReady()).as("the install is handed over once").isFalse();

    // the acknowledgement resumes replication right after the snapshot
    leader.step(r.messages().get(0));
    List<RaftMessage> append = messages(drain(leader));
    assertThat(append).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(APPEND);
      assertThat(m.index()).isEqualTo(15);
      assertThat(m.logTerm()).isEqualTo(TERM);
      assertThat(m.entries()).extracting(Entry::index).containsExactly(16L, 17L, 18L, 19L, 20L, 21L);
    });
    follower.step(append.get(0));
    List<Ready> after = drain(follower);
    assertThat(after.get(0).snapshot()).isNull();
    assertThat(after.get(0).entries()).extracting(Entry::index).containsExactly(16L, 17L, 18L, 19L, 20L, 21L);
    assertThat(after.stream().flatMap(x -> x.committed().stream()).map(Entry::index))
        .as("applied after the snapshot, never below it").containsExactly(16L, 17L, 18L, 19L, 20L, 21L);
    leader.step(messages(after).get(0));
    nodes.put(3L, follower);
    leader.propose("more".getBytes());
    exchange(messages(drain(leader)));
    tick(leader);
    tick(leader);
    assertThat(follower.commitIndex()).isEqualTo(22);
  }

  @Test
  void followerWithAConflictingLogDiscardsIt() {
    RaftNode leader = compactedLeader();
    List<Entry> stale = new ArrayList<>();
    for (long i = 1; i <= 30; i++) {
      stale.add(new Entry(i, 3, ("old" + i).getBytes()));
    }
    RaftNode follower = node(3, new HardState(5, 0, 0), stale);
    follower.step(snapshotFrom1(TERM, AT_15, 21));
    Ready r = drain(follower).get(0);
    assertThat(r.snapshot()).isEqualTo(AT_15);
    assertThat(r.committed()).isEmpty();
    assertThat(follower.lastIndex()).as("uncommitted entries after the snapshot are dropped too").isEqualTo(15);
    assertThat(follower.termAt(16)).isEqualTo(-1);
    assertThat(follower.termAt(15)).isEqualTo(TERM);
    assertThat(follower.commitIndex()).isEqualTo(15);
    assertThat(follower.leader()).isEqualTo(1);
    assertThat(leader.role()).isEqualTo(RaftNode.Role.LEADER);
  }

  @Test
  void staleOrMatchingSnapshotsKeepTheLog() {
    compactedLeader();
    RaftNode upToDate = nodes.get(2L);
    upToDate.step(new RaftMessage(SNAPSHOT, 1, 2, TERM, 15, TERM, List.of(), 21, false, 0));
    List<Ready> rs = drain(upToDate);
    assertThat(rs).allSatisfy(r -> assertThat(r.snapshot()).isNull());
    assertThat(messages(rs)).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(APPEND_RESP);
      assertThat(m.reject()).isFalse();
      assertThat(m.index()).as("its commit index").isEqualTo(21);
    });
    assertThat(upToDate.lastIndex()).isEqualTo(21);
    assertThat(upToDate.snapshot()).isNull();

    // a snapshot from a deposed leader's term is refused
    upToDate.step(new RaftMessage(SNAPSHOT, 3, 2, TERM - 1, 18, TERM - 1, List.of(), 18, false, 0));
    assertThat(messages(drain(upToDate))).singleElement().satisfies(m -> {
      assertThat(m.reject()).isTrue();
      assertThat(m.term()).isEqualTo(TERM);
    });

    // the follower holds the snapshot's last entry but has not committed it: fast-forward
    List<Entry> log = new ArrayList<>();
    for (long i = 1; i <= 21; i++) {
      log.add(new Entry(i, TERM, ("v" + i).getBytes()));
    }
    RaftNode behind = node(3, new HardState(TERM, 1, 4), log);
    behind.step(snapshotFrom1(TERM, AT_15, 21));
    List<Ready> ff = drain(behind);
    assertThat(ff).allSatisfy(r -> assertThat(r.snapshot()).isNull());
    assertThat(ff.stream().flatMap(r -> r.committed().stream()).map(Entry::index)).hasSize(15);
    assertThat(messages(ff)).singleElement().extracting(RaftMessage::index).isEqualTo(15L);
    assertThat(behind.commitIndex()).isEqualTo(15);
    assertThat(behind.lastIndex()).isEqualTo(21);
    assertThat(behind.snapshot()).isNull();
  }

  @Test
  void leaderRetriesALostSnapshot() {
    RaftNode leader = compactedLeader();
    RaftNode follower = node(3, new HardState(0, 0, 0), List.of());
    follower.step(nextToNode3(leader).get(0));
    leader.step(messages(drain(follower)).get(0));
    List<RaftMessage> lost = messages(drain(leader));
    assertThat(lost).singleElement().extracting(RaftMessage::type).isEqualTo(SNAPSHOT);

    // an answer to an earlier append does not end the wait
    leader.step(new RaftMessage(APPEND_RESP, 3, 1, TERM, 21, 0, List.of(), 0, true, 0));
    assertThat(messages(drain(leader))).isEmpty();
    int waited = 0;
    List<RaftMessage> retry;
    do {
      retry = tick(leader);
      waited++;
    } while (retry.isEmpty() && waited < 3 * CONFIG.electionTicks());
    assertThat(waited).as("retried after an election timeout").isEqualTo(CONFIG.electionTicks());
    assertThat(retry).singleElement().satisfies(m -> {
      assertThat(m.type()).isEqualTo(SNAPSHOT);
      assertThat(m.index()).isEqualTo(15);
    });
    assertThat(leader.role()).isEqualTo(RaftNode.Role.LEADER);

    nodes.put(3L, follower);
    exchange(retry);
    tick(leader);
    tick(leader);
    assertThat(follower.snapshot()).isEqualTo(AT_15);
    assertThat(follower.commitIndex()).isEqualTo(21);
    assertThat(follower.lastIndex()).isEqualTo(21);
  }

  @Test
  void leaderSendsItsLatestSnapshotAfterCompactingAgain() {
    RaftNode leader = compactedLeader();
    RaftNode follower = node(3, new HardState(0, 0, 0), List.of());
    follower.step(nextToNode3(leader).get(0));
    leader.step(messages(drain(follower)).get(0));
    RaftMessage first = messages(drain(leader)).get(0);
    leader.compact(20);
    follower.step(first);
    drain(follower);
    nodes.put(3L, follower);
    exchange(List.of(new RaftMessage(APPEND_RESP, 3, 1, TERM, 15, 0, List.of(), 0, false, 0)));
    assertThat(follower.snapshot()).isEqualTo(new SnapshotMeta(20, TERM));
    assertThat(follower.lastIndex()).isEqualTo(21);
  }

  @Test
  void compactionBoundsAndRestart() {
    RaftNode leader = compactedLeader();
    assertThatThrownBy(() -> leader.compact(22)).isInstanceOf(IllegalArgumentException.class);
    leader.compact(10);
    assertThat(leader.snapshot()).as("below the compaction point: ignored").isEqualTo(AT_15);

    List<Entry> after = new ArrayList<>();
    for (long i = 16; i <= 21; i++) {
      after.add(new Entry(i, TERM, ("v" + i).getBytes()));
    }
    HardState hs = new HardState(TERM, 1, 21);
    RaftNode restarted = new RaftNode(1, IDS, CONFIG, new Random(9), hs, AT_15, after, 15);
    assertThat(restarted.snapshot()).isEqualTo(AT_15);
    assertThat(restarted.lastIndex()).isEqualTo(21);
    assertThat(restarted.termAt(15)).isEqualTo(TERM);
    Ready r = restarted.ready();
    assertThat(r.snapshot()).isNull();
    assertThat(r.committed()).extracting(Entry::index).containsExactly(16L, 17L, 18L, 19L, 20L, 21L);

    assertThatThrownBy(() -> new RaftNode(1, IDS, CONFIG, new Random(9), hs, AT_15, after, 14))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("behind the snapshot");
    assertThatThrownBy(() -> new RaftNode(1, IDS, CONFIG, new Random(9), hs, AT_15, after.subList(1, 6), 15))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 16");
  }
}
