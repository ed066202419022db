package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Durability;
import io.baton.core.server.StateDigest;
import io.baton.core.server.TestNode;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.MultiFailedException;
import io.baton.core.txn.Op;
import io.baton.core.recipe.Grant;
import io.baton.core.recipe.LockKind;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coordinators replicated through Raft in one JVM: real storage, in-memory links that can be cut. */
class ClusterTest {
  @TempDir
  Path dir;

  private static long awaitLeader(LocalCluster c) {
    long[] leader = new long[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> (leader[0] = c.leader()) != 0);
    return leader[0];
  }

  private static void awaitConverged(LocalCluster c) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Set<StateDigest> digests = new HashSet<>();
      for (long id : c.nodes.keySet()) {
        digests.add(c.node(id).digest());
      }
      assertThat(digests).hasSize(1);
    });
  }

  @Test
  void writesThroughAnyNodeAreReplicatedAndReadableWhereTheyWereMade() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long leader = awaitLeader(c);
      c.node(leader).create("/a", "1");
      for (long follower : c.followersOf(leader)) {
        TestNode f = c.node(follower);
        String path = f.create("/from-" + follower, "x");
        // read-your-writes at the follower: applied there before the reply
        assertThat(f.exists(path)).isTrue();
        assertThat(f.exists("/a")).as("ordered before this node's own write").isTrue();
        f.setData("/a", "by-" + follower, -1);
        assertThat(f.data("/a")).isEqualTo("by-" + follower);
      }
      awaitConverged(c);
      long zxid = c.node(leader).lastApplied();
      assertThat(zxid >>> 32).as("zxid epoch is the raft term").isEqualTo(c.nodes.get(leader).raft.term());
      // every node emits the same committed changes in the same order (what change streams and the
      // Kafka bridge follow), each node's own log holds them, zxids strictly increasing
      for (long id : c.nodes.keySet()) {
        assertThat(c.node(id).changes).usingRecursiveFieldByFieldElementComparator()
            .containsExactlyElementsOf(c.node(leader).changes);
        List<Long> zxids = c.node(id).call(() -> {
          List<Long> out = new ArrayList<>();
          try (io.baton.core.log.LogReader r = c.node(id).coordinator.log().readerAfter(0)) {
            io.baton.schemas.log.LogEntry e;
            while ((e = r.next()) != null) {
              out.add(e.getZxid());
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return out;
        });
        assertThat(zxids).isSorted().doesNotHaveDuplicates().last().isEqualTo(zxid);
      }
    }
  }

  @Test
  void leaderErrorsReachTheFollowersClientWithTheirCodes() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long leader = awaitLeader(c);
      TestNode f = c.node(c.followersOf(leader).iterator().next());
      f.create("/x", "1");
      assertThatThrownBy(() -> f.create("/x", "2")).isInstanceOf(BatonException.class)
          .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.NODE_EXISTS));
      assertThatThrownBy(() -> f.setData("/x", "2", 7))
          .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.BAD_VERSION));
      assertThatThrownBy(() -> f.submit(0, new Command.Multi(List.of(
          new Op.Create("/y", new byte[0], CreateMode.PERSISTENT, 0, false),
          new Op.Delete("/missing", -1)))))
          .isInstanceOfSatisfying(MultiFailedException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NO_NODE);
            assertThat(e.failedIndex()).isEqualTo(1);
            assertThat(e.results()).hasSize(2);
          });
      assertThat(f.exists("/y")).isFalse();
      long session = f.openSession(5_000);
      assertThat(f.create(session, "/e", "", CreateMode.EPHEMERAL)).isEqualTo("/e");
      assertThatThrownBy(() -> f.create(0xdeadL, "/e2", "", CreateMode.EPHEMERAL))
          .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.SESSION_EXPIRED));
      awaitConverged(c);
    }
  }

  @Test
  void aNewLeaderTakesOverWithEveryAcknowledgedWriteAndTheOldOneCatchesUp() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long leader = awaitLeader(c);
      List<String> acked = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        acked.add(c.node(leader).create("/k" + i, "v" + i));
      }
      long oldTerm = c.nodes.get(leader).raft.term();
      c.stop(leader);
      long next = awaitLeader(c);
      assertThat(next).isNotEqualTo(leader);
      assertThat(c.nodes.get(next).raft.term()).isGreaterThan(oldTerm);
      for (String p : acked) {
        assertThat(c.node(next).exists(p)).as(p).isTrue();
      }
      long before = c.node(next).lastApplied();
      String after = c.node(next).create("/after", "x");
      assertThat(c.node(next).lastApplied()).isGreaterThan(before);
      assertThat(c.node(next).lastApplied() >>> 32).isGreaterThan(before >>> 32);
      c.start(leader);
      awaitConverged(c);
      assertThat(c.node(leader).exists(after)).isTrue();
    }
  }

  @Test
  void anIsolatedLeaderCannotCommitAndFollowsAfterTheHeal() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long old = awaitLeader(c);
      c.node(old).create("/before", "1");
      c.isolate(Set.of(old));
      // the minority side cannot commit: its write is answered with ConnectionLoss (never success)
      assertThatThrownBy(() -> c.node(old).create("/minority", "x"))
          .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.CONNECTION_LOSS));
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        Map<Long, Long> leaders = c.leaders();
        leaders.remove(old);
        return !leaders.isEmpty();
      });
      long next = c.leaders().keySet().stream().filter(id -> id != old).findFirst().orElseThrow();
      c.node(next).create("/majority", "y");
      // check-quorum: the isolated node steps down by itself
      await().atMost(Duration.ofSeconds(10)).until(() -> !c.leaders().containsKey(old));
      c.heal();
      awaitConverged(c);
      assertThat(c.node(old).exists("/majority")).isTrue();
      assertThat(c.node(old).exists("/minority")).isFalse();
      assertThat(c.node(next).exists("/minority")).isFalse();
    }
  }

  @Test
  void sessionsLiveThroughFollowerHeartbeatsAndOnlyTheLeaderExpiresThem() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long leader = awaitLeader(c);
      long followerId = c.followersOf(leader).iterator().next();
      TestNode f = c.node(followerId);
      long session = f.openSession(300);
      f.create(session, "/eph", "", CreateMode.EPHEMERAL);
      long until = System.currentTimeMillis() + 1_000;
      while (System.currentTimeMillis() < until) {
        f.heartbeat(session);
        Thread.sleep(50);
      }
      assertThat(c.node(leader).sessionOpen(session)).as("kept alive through the follower").isTrue();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        for (long id : c.nodes.keySet()) {
          assertThat(c.node(id).exists("/eph")).isFalse();
          assertThat(c.node(id).sessionOpen(session)).isFalse();
        }
      });
      assertThat(f.endedSessions).anySatisfy(s -> assertThat(s).containsExactly(session, 1));
    }
  }

  @Test
  void aFollowerBehindTheCompactedLogCatchesUpFromTheLeadersSnapshot() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long leader = awaitLeader(c);
      long lagging = c.followersOf(leader).iterator().next();
      c.node(lagging).create("/before", "x");
      c.stop(lagging);
      TestNode l = c.node(leader);
      long session = l.openSession(60_000);
      l.create(session, "/eph", "", CreateMode.EPHEMERAL);
      for (int i = 0; i < 300; i++) {
        l.create("/n" + i, "v" + i);
      }
      l.<Long>await(done -> l.coordinator.snapshot(done));
      for (int i = 300; i < 400; i++) {
        l.create("/n" + i, "v" + i);
      }
      // the leader compacted its log to 50 entries before the snapshot: the lagging node needs it
      await().atMost(Duration.ofSeconds(10)).until(() -> c.nodes.get(leader).node.call(
          () -> c.nodes.get(leader).raft.role() == RaftNode.Role.LEADER));
      c.start(lagging);
      awaitConverged(c);
      assertThat(c.snapshotsInstalled(lagging)).isEqualTo(1);
      TestNode f = c.node(lagging);
      assertThat(f.data("/n399")).isEqualTo("v399");
      assertThat(f.sessionOpen(session)).isTrue();
      // it keeps following from the log after the snapshot, and survives a restart
      l.create("/after", "y");
      awaitConverged(c);
      c.stop(lagging);
      c.start(lagging);
      awaitConverged(c);
      assertThat(c.node(lagging).exists("/after")).isTrue();
    }
  }

  @Test
  void locksTakenThroughDifferentNodesExcludeEachOtherWithIncreasingTokens() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long leader = awaitLeader(c);
      List<Long> ids = new ArrayList<>(c.nodes.keySet());
      List<Long> sessions = new ArrayList<>();
      for (long id : ids) {
        sessions.add(c.node(id).openSession(30_000));
      }
      long previousToken = 0;
      for (int round = 0; round < 6; round++) {
        int i = round % ids.size();
        int j = (round + 1) % ids.size();
        LocalCluster.Member holderNode = c.nodes.get(ids.get(i));
        LocalCluster.Member waiterNode = c.nodes.get(ids.get(j));
        long holder = sessions.get(i);
        long waiter = sessions.get(j);
        Grant held = holderNode.node.call(() -> holderNode.recipes.acquire(holder, LockKind.MUTEX, "m", null, 1,
            10_000)).get(10, TimeUnit.SECONDS);
        assertThat(held.token()).isGreaterThan(previousToken);
        CompletableFuture<Grant> waiting = waiterNode.node.call(() -> waiterNode.recipes.acquire(waiter,
            LockKind.MUTEX, "m", null, 1, 10_000));
        Thread.sleep(100);
        assertThat(waiting).as("excluded while node %d's session holds it", ids.get(i)).isNotDone();
        holderNode.node.call(() -> holderNode.recipes.release(holder, LockKind.MUTEX, "m", null, null))
            .get(10, TimeUnit.SECONDS);
        Grant next = waiting.get(10, TimeUnit.SECONDS);
        assertThat(next.token()).isGreaterThan(held.token());
        previousToken = next.token();
        waiterNode.node.call(() -> waiterNode.recipes.release(waiter, LockKind.MUTEX, "m", null, null))
            .get(10, TimeUnit.SECONDS);
      }
      assertThat(leader).isNotZero();
      awaitConverged(c);
    }
  }

  @Test
  void aStandaloneNodesDataDirectoryCannotSilentlyJoinACluster() throws Exception {
    try (TestNode standalone = new TestNode(TestNode.config(dir.resolve("n1")))) {
      standalone.create("/x", "1");
    }
    assertThatThrownBy(() -> new LocalCluster(dir, 1, Durability.NONE))
        .hasStackTraceContaining("holds a standalone node's state");
  }

  @Test
  void syncThroughAFollowerSeesEveryEarlierWrite() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long leader = awaitLeader(c);
      TestNode f = c.node(c.followersOf(leader).iterator().next());
      for (int i = 0; i < 20; i++) {
        c.node(leader).create("/s" + i, "v");
        String path = "/s" + i;
        f.<String>await(done -> f.coordinator.sync(0, "/", done));
        assertThat(f.exists(path)).isTrue();
      }
    }
  }
}
