package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.session.SessionTable;
import io.baton.core.snapshot.Images;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.SystemNodes;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile tree shapes and snapshot failures: a tree deeper than any path limit allows (restored from
 * an old snapshot) snapshots, digests and restarts; a snapshot that fails leaves the node able to
 * take the next one.
 */
class TreeShapeTest {
  private static final int DEPTH = 4_000;

  @TempDir
  Path dir;

  /** A snapshot, as an older Baton without a path limit could have written, of a chain DEPTH levels deep. */
  private static long writeDeepSnapshot(Path dataDir) throws Exception {
    DataTree tree = new DataTree();
    StringBuilder path = new StringBuilder();
    long zxid = 1L << 32;
    for (int level = 0; level < DEPTH; level++) {
      String parent = path.length() == 0 ? "/" : path.toString();
      path.append("/d");
      zxid++;
      tree.create(path.toString(), ("level " + level).getBytes(StandardCharsets.UTF_8), 0,
          tree.get(parent).cversion() + 1, zxid, 1_000 + level);
    }
    Images.Image image = Images.capture(zxid, tree, new SessionTable());
    Images.write(new SnapshotStore(dataDir.resolve("snapshots")), image);
    return zxid;
  }

  @Test
  void aTreeDeeperThanThePathLimitSnapshotsDigestsAndRestarts() throws Exception {
    long zxid = writeDeepSnapshot(dir);
    StateDigest before;
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      before = node.digest();
      assertThat(before.nodeCount()).isEqualTo(DEPTH + 1 + SystemNodes.PATHS.size());
      assertThat(before.zxid()).isEqualTo(zxid);
      node.create("/after", "x");
      long snap = node.<Long>await(c -> node.coordinator.snapshot(c));
      assertThat(snap).isEqualTo(node.lastApplied());
      before = node.digest();
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.digest()).isEqualTo(before);
      String deepest = "/d".repeat(DEPTH);
      assertThat(node.data(deepest)).isEqualTo("level " + (DEPTH - 1));
    }
    // the snapshot alone (no log) restores the same tree
    Recovery.Recovered r = Recovery.recover(dir, TestNode.config(dir).log());
    try {
      assertThat(StateDigest.of(r)).isEqualTo(before);
      assertThat(r.replayed()).isZero();
    } finally {
      r.log().close();
    }
  }

  @Test
  void containersAreCheckedInBatchesAndAllReaped() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      int count = 2_500;
      for (int from = 0; from < count; from += 500) {
        List<Op> ops = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          ops.add(new Op.Create("/c" + i, new byte[0], CreateMode.CONTAINER, 0, false));
          ops.add(new Op.Create("/c" + i + "/x", new byte[0], CreateMode.PERSISTENT, 0, false));
        }
        node.submit(0, new Command.Multi(ops));
      }
      node.create("/keep", "");
      assertThat(node.call(() -> node.coordinator.nodeCount())).isEqualTo(2L * count + 2 + SystemNodes.PATHS.size());
      for (int from = 0; from < count; from += 500) {
        List<Op> ops = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          ops.add(new Op.Delete("/c" + i + "/x", -1));
        }
        node.submit(0, new Command.Multi(ops));
      }
      // each tick checks at most 1,000 of the 2,500 containers; within a few ticks all are reaped
      node.awaitTrue(() -> node.coordinator.nodeCount() == 2 + SystemNodes.PATHS.size());
      assertThat(node.exists("/keep")).isTrue();
    }
  }

  @Test
  void aFailedSnapshotWriteLeavesTheNodeAbleToSnapshotAgain() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/a", "1");
      // a directory where the snapshot file must go: the rename over it fails (even for root)
      Path blocker = dir.resolve("snapshots").resolve(String.format("snapshot.%016x", node.lastApplied()));
      Files.createDirectories(blocker.resolve("occupied"));
      BatonException failed = null;
      try {
        node.<Long>await(c -> node.coordinator.snapshot(c));
      } catch (BatonException e) {
        failed = e;
      }
      assertThat(failed).as("the snapshot fails").isNotNull();
      assertThat(failed.code()).isEqualTo(ErrorCode.SYSTEM_ERROR);
      assertThat(node.digest().nodeCount()).isEqualTo(2 + SystemNodes.PATHS.size());

      // the same failure again, then the obstacle is gone: the next snapshot is taken
      assertThat(TestNode.errorOf(() -> node.<Long>await(c -> node.coordinator.snapshot(c))))
          .isEqualTo(ErrorCode.SYSTEM_ERROR);
      Files.delete(blocker.resolve("occupied"));
      Files.delete(blocker);
      long snap = node.<Long>await(c -> node.coordinator.snapshot(c));
      assertThat(snap).isEqualTo(node.lastApplied());
      assertThat(dir.resolve("snapshots").resolve(String.format("snapshot.%016x", snap))).isRegularFile();
    }
  }
}
