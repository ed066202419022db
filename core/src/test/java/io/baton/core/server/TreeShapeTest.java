package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.session.SessionTable;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    SnapshotStore.Image image = SnapshotStore.capture(zxid, tree, new SessionTable());
    new SnapshotStore(dataDir.resolve("snapshots")).write(image);
    return zxid;
  }

  @Test
  void aTreeDeeperThanThePathLimitSnapshotsDigestsAndRestarts() throws Exception {
    long zxid = writeDeepSnapshot(dir);
    StateDigest before;
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      before = node.digest();
      assertThat(before.nodeCount()).isEqualTo(DEPTH + 1);
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
      assertThat(node.digest().nodeCount()).isEqualTo(2);

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
