package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.log.LogCodec;
import io.baton.core.server.Durability;
import io.baton.core.server.StateDigest;
import io.baton.core.server.TestNode;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.LogEntry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower checks each entry it is sent before it enters its log: a malformed or oversized one is
 * never persisted nor acknowledged; a well-formed one that still cannot apply stops that node loudly
 * instead of letting it diverge.
 */
class FollowerValidationTest {
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
      Set<Long> applied = new HashSet<>();
      for (long id : c.nodes.keySet()) {
        digests.add(c.node(id).digest());
        LocalCluster.Member m = c.nodes.get(id);
        applied.add(m.node.call(() -> m.raft.appliedIndex()));
      }
      assertThat(digests).hasSize(1);
      assertThat(applied).hasSize(1);
    });
  }

  /** An APPEND from {@code leader} to {@code follower} adding {@code entry} after its last entry, committing it. */
  private static byte[] injectedAppend(LocalCluster c, long leader, long follower, LogEntry entry) {
    LocalCluster.Member f = c.nodes.get(follower);
    long[] pos = f.node.call(() -> new long[] {f.raft.appliedIndex(), f.raft.term()});
    byte[] body = new LogCodec().encode(entry);
    byte[] payload = ByteBuffer.allocate(8 + body.length).putLong(0).put(body).array();
    RaftMessage m = new RaftMessage(RaftMessage.Type.APPEND, leader, follower, pos[1], pos[0], pos[1],
        List.of(new Entry(pos[0] + 1, pos[1], payload)), pos[0] + 1, false, 0);
    return PeerCodec.encode(new PeerCodec.Raft(m));
  }

  @Test
  void malformedOrOversizedEntriesAreNeverPersistedByAFollower() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long leader = awaitLeader(c);
      c.node(leader).create("/a", "1");
      awaitConverged(c);
      long follower = c.followersOf(leader).iterator().next();
      LocalCluster.Member f = c.nodes.get(follower);
      long zxid = f.node.lastApplied() + 1;
      List<LogEntry> bad = List.of(
          new LogEntry(zxid, 1L, new CreateTxn("no-slash", ByteBuffer.wrap(new byte[0]), 0L, 1, java.util.List.of())),
          new LogEntry(zxid, 1L, new CreateTxn("/" + "p".repeat(5000), ByteBuffer.wrap(new byte[0]), 0L, 1, java.util.List.of())),
          new LogEntry(zxid, 1L, new CreateTxn("/big", ByteBuffer.wrap(new byte[(1 << 20) + 1]), 0L, 1, java.util.List.of())),
          new LogEntry(zxid, 1L, new CreateTxn("/", ByteBuffer.wrap(new byte[0]), 0L, 1, java.util.List.of())));
      for (LogEntry entry : bad) {
        byte[] frame = injectedAppend(c, leader, follower, entry);
        long[] after = f.node.call(() -> {
          long commit = f.raft.commitIndex();
          f.raft.receive(leader, frame);
          return new long[] {commit, f.raft.commitIndex()};
        });
        assertThat(after[1]).as("commit index after a bad append").isEqualTo(after[0]);
      }
      assertThat(f.node.call(f.node.coordinator::isHalted)).isFalse();
      c.node(leader).create("/b", "2");
      awaitConverged(c);
      assertThat(f.node.exists("/big")).isFalse();
      assertThat(f.node.data("/b")).isEqualTo("2");
    }
  }

  @Test
  void aCommittedEntryAFollowerCannotApplyStopsItInsteadOfDiverging() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long leader = awaitLeader(c);
      c.node(leader).create("/a", "1");
      awaitConverged(c);
      long follower = c.followersOf(leader).iterator().next();
      LocalCluster.Member f = c.nodes.get(follower);
      List<String> halts = new CopyOnWriteArrayList<>();
      f.node.call(() -> {
        f.node.coordinator.onFatal((zxid, reason, cause) -> halts.add(reason));
        return null;
      });
      TestNode.Mark before = f.node.mark();
      LogEntry unapplicable = new LogEntry(before.lastApplied() + 1, 1L,
          new CreateTxn("/missing/child", ByteBuffer.wrap(new byte[0]), 0L, 1, java.util.List.of()));
      byte[] frame = injectedAppend(c, leader, follower, unapplicable);
      f.node.call(() -> {
        f.raft.receive(leader, frame);
        return null;
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> !halts.isEmpty());
      assertThat(halts.get(0)).contains("parent missing");
      assertThat(f.node.call(() -> f.node.coordinator.digest())).isEqualTo(before.digest());
      assertThat(f.node.call(() -> f.node.coordinator.log().lastZxid())).isEqualTo(before.lastLogged());
    }
  }
}
