package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.server.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower writes snapshot chunks only for the transfer it expects: from the leader it follows,
 * beyond what it applied, contiguous, and of a size its disk can hold; anything else is dropped and
 * the partial file removed.
 */
class SnapshotChunkCheckTest {
  @TempDir
  Path dir;

  /** Hands {@code frame} to node {@code to} as if from {@code from}; returns the partial snapshot files it then has. */
  private static List<Path> receive(LocalCluster c, long from, long to, PeerCodec.SnapshotChunk chunk) {
    LocalCluster.Member m = c.nodes.get(to);
    return m.node.call(() -> {
      m.raft.receive(from, PeerCodec.encode(chunk));
      try (Stream<Path> files = Files.list(m.node.coordinator.snapshots().dir())) {
        return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void chunksOutsideTheExpectedTransferAreDroppedAndThePartialFileRemoved() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long[] leader = new long[1];
      await().atMost(Duration.ofSeconds(10)).until(() -> (leader[0] = c.leader()) != 0);
      c.node(leader[0]).create("/a", "1");
      List<Long> followers = List.copyOf(c.followersOf(leader[0]));
      long f = followers.get(0);
      long other = followers.get(1);
      LocalCluster.Member fm = c.nodes.get(f);
      await().atMost(Duration.ofSeconds(10)).until(() -> fm.node.call(() -> fm.raft.leader()) == leader[0]);
      long term = fm.node.call(() -> fm.raft.term());
      long applied = fm.node.call(() -> fm.raft.appliedIndex());
      long ahead = applied + 1_000;
      byte[] data = new byte[4096];

      assertThat(receive(c, other, f, new PeerCodec.SnapshotChunk(ahead, term, 0, 1 << 20, data)))
          .as("from a node that is not the leader").isEmpty();
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(applied, term, 0, 1 << 20, data)))
          .as("not beyond what is applied").isEmpty();
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term + 1, 0, 1 << 20, data)))
          .as("a term beyond the current one").isEmpty();
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 0, Long.MAX_VALUE / 2, data)))
          .as("more than the disk holds").isEmpty();
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 8192, 1 << 20, data)))
          .as("no transfer under way").isEmpty();

      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 0, 1 << 20, data)))
          .as("the start of an expected transfer").hasSize(1);
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 4096, 1 << 20, data)))
          .as("its next chunk").hasSize(1);
      assertThat(receive(c, other, f, new PeerCodec.SnapshotChunk(ahead, term, 4096 * 2, 1 << 20, data)))
          .as("another node's chunk leaves the leader's transfer alone").hasSize(1);
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 4096 * 5, 1 << 20, data)))
          .as("a gap ends the transfer").isEmpty();
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 0, 1 << 20, data))).hasSize(1);
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 4096, 2 << 20, data)))
          .as("another total mid-transfer").isEmpty();

      // the cluster is unharmed
      c.node(f).create("/b", "2");
      await().atMost(Duration.ofSeconds(10)).until(() -> c.node(leader[0]).exists("/b"));
    }
  }

  @Test
  void aFollowerThatLostPatienceDuringATransferStillTakesItFromTheLeaderOfItsTerm() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long[] leader = new long[1];
      await().atMost(Duration.ofSeconds(10)).until(() -> (leader[0] = c.leader()) != 0);
      long f = c.followersOf(leader[0]).iterator().next();
      LocalCluster.Member fm = c.nodes.get(f);
      await().atMost(Duration.ofSeconds(10)).until(() -> fm.node.call(() -> fm.raft.leader()) == leader[0]);
      long term = fm.node.call(() -> fm.raft.term());
      long ahead = fm.node.call(() -> fm.raft.appliedIndex()) + 1_000;
      // a leader streaming a snapshot sends the follower nothing else: it times out and pre-votes
      c.isolate(java.util.Set.of(f));
      await().atMost(Duration.ofSeconds(10))
          .until(() -> fm.node.call(() -> fm.raft.role()) == RaftNode.Role.PRE_CANDIDATE);
      assertThat(fm.node.call(() -> fm.raft.term())).isEqualTo(term);
      assertThat(receive(c, leader[0], f, new PeerCodec.SnapshotChunk(ahead, term, 0, 1 << 20, new byte[4096])))
          .hasSize(1);
      c.heal();
    }
  }
}
