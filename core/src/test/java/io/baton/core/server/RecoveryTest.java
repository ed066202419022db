package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.log.LogOptions;
import io.baton.core.tree.CreateMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Restart reproduces state: log replay, snapshots, damaged snapshots, torn log tails, retention. */
class RecoveryTest {
  @TempDir
  Path dir;

  /** A mixed workload: persistent, sequential, ephemeral, container, multi, deletes, a closed session. */
  private static void workload(TestNode node, String prefix) {
    long s = node.openSession(30_000);
    long gone = node.openSession(30_000);
    node.create(prefix, "root");
    node.create(prefix + "/a", "1");
    node.setData(prefix + "/a", "2", 0);
    node.create(0, prefix + "/q-", "x", CreateMode.PERSISTENT_SEQUENTIAL);
    node.create(0, prefix + "/q-", "y", CreateMode.PERSISTENT_SEQUENTIAL);
    node.delete(prefix + "/q-0000000001", -1);
    node.create(s, prefix + "/eph", "e", CreateMode.EPHEMERAL);
    node.create(gone, prefix + "/gone", "g", CreateMode.EPHEMERAL);
    node.closeSession(gone);
    node.create(0, prefix + "/box", "", CreateMode.CONTAINER);
    node.create(prefix + "/box/item", "i");
    node.create(0, prefix + "/ttl", "", CreateMode.PERSISTENT_WITH_TTL, 3_600_000);
    node.submit(s, new io.baton.core.txn.Command.Multi(List.of(
        new io.baton.core.txn.Op.Create(prefix + "/m", "m".getBytes(), CreateMode.PERSISTENT, 0, false),
        new io.baton.core.txn.Op.SetData(prefix, "root2".getBytes(), -1))));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void restartReproducesState(Durability durability) throws Exception {
    CoordinatorConfig config = TestNode.config(dir).withDurability(durability);
    StateDigest before;
    try (TestNode node = new TestNode(config)) {
      workload(node, "/w");
      before = node.digest();
      assertThat(before.sessions()).hasSize(1);
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
      assertThat(node.data("/w")).isEqualTo("root2");
      assertThat(node.children("/w")).containsExactly("a", "box", "eph", "m", "q-0000000002", "ttl");
      // the restarted node continues in a new epoch
      node.create("/after", "");
      assertThat(node.lastApplied() >>> 32).isEqualTo((before.zxid() >>> 32) + 1);
      before = node.digest();
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
    }
  }

  @Test
  void snapshotPlusReplayEqualsFullReplay() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    StateDigest before;
    long snapZxid;
    try (TestNode node = new TestNode(config)) {
      workload(node, "/one");
      snapZxid = node.<Long>await(c -> node.coordinator.snapshot(c));
      assertThat(snapZxid).isEqualTo(node.lastApplied());
      workload(node, "/two");
      node.delete("/one/a", -1);
      before = node.digest();
    }
    try (var files = Files.list(dir.resolve("snapshots"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(String.format("snapshot.%016x", snapZxid));
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
    }
    Recovery.Recovered fromSnapshot = Recovery.recover(dir, config.log());
    try {
      assertThat(fromSnapshot.snapshotZxid()).isEqualTo(snapZxid);
      assertThat(fromSnapshot.replayed()).isPositive();
      assertThat(StateDigest.of(fromSnapshot)).isEqualTo(before);
    } finally {
      fromSnapshot.log().close();
    }
    Recovery.Recovered logOnly = Recovery.replayLogOnly(dir, config.log());
    try {
      assertThat(logOnly.snapshotZxid()).isZero();
      assertThat(StateDigest.of(logOnly)).isEqualTo(before);
    } finally {
      logOnly.log().close();
    }
  }

  @Test
  void cversionAndSequentialNamesAfterDeletesSurviveSnapshotAndReplay() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    try (TestNode node = new TestNode(config)) {
      node.create("/q", "");
      node.create(0, "/q/n-", "", CreateMode.PERSISTENT_SEQUENTIAL);
      node.create(0, "/q/n-", "", CreateMode.PERSISTENT_SEQUENTIAL);
      node.delete("/q/n-0000000000", -1);
      node.<Long>await(c -> node.coordinator.snapshot(c));
      node.delete("/q/n-0000000001", -1);
      assertThat(node.stat("/q").cversion()).as("2 creates + 2 deletes").isEqualTo(4);
    }
    for (int restart = 0; restart < 2; restart++) {
      try (TestNode node = new TestNode(config)) {
        assertThat(node.stat("/q").cversion()).isEqualTo(4 + restart * 2);
        assertThat(node.create(0, "/q/n-", "", CreateMode.PERSISTENT_SEQUENTIAL))
            .as("names follow the creates only").isEqualTo("/q/n-000000000" + (2 + restart));
        assertThat(node.stat("/q").cversion()).isEqualTo(5 + restart * 2);
        node.delete("/q/n-000000000" + (2 + restart), -1);
        if (restart == 0) {
          node.<Long>await(c -> node.coordinator.snapshot(c));
        }
      }
    }
  }

  @Test
  void snapshotOfEmptyTreeAndSnapshotAtLastEntry() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    StateDigest before;
    try (TestNode node = new TestNode(config)) {
      node.<Long>await(c -> node.coordinator.snapshot(c));
      workload(node, "/w");
      node.<Long>await(c -> node.coordinator.snapshot(c));
      before = node.digest();
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
      node.create("/more", "");
      before = node.digest();
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
    }
  }

  @Test
  void damagedNewestSnapshotIsSkipped() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    StateDigest before;
    long first;
    long second;
    try (TestNode node = new TestNode(config)) {
      workload(node, "/one");
      first = node.<Long>await(c -> node.coordinator.snapshot(c));
      workload(node, "/two");
      second = node.<Long>await(c -> node.coordinator.snapshot(c));
      workload(node, "/three");
      before = node.digest();
    }
    assertThat(second).isGreaterThan(first);
    Path newest = dir.resolve("snapshots").resolve(String.format("snapshot.%016x", second));
    assertThat(newest).exists();
    overwrite(newest, Files.size(newest) / 2, new byte[] {0x55, 0x66, 0x77, 0x11});

    Recovery.Recovered r = Recovery.recover(dir, config.log());
    try {
      assertThat(r.snapshotZxid()).as("fell back to the older snapshot").isEqualTo(first);
      assertThat(StateDigest.of(r)).isEqualTo(before);
    } finally {
      r.log().close();
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
    }

    // a truncated snapshot is skipped as well; with every snapshot damaged the log alone is replayed
    Path older = dir.resolve("snapshots").resolve(String.format("snapshot.%016x", first));
    try (FileChannel ch = FileChannel.open(older, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3);
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
    }
  }

  @Test
  void tornTailIsCutAndNodeKeepsWorking() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    String marker = "TORN-TAIL-MARKER-7f3a9c";
    StateDigest beforeLast;
    try (TestNode node = new TestNode(config)) {
      workload(node, "/w");
      node.create("/x", "old");
      beforeLast = node.digest();
      node.setData("/x", marker, -1);
      assertThat(node.data("/x")).isEqualTo(marker);
    }
    Path cq4 = onlyCycleFile(dir.resolve("log"));
    long at = find(cq4, marker.getBytes(StandardCharsets.US_ASCII));
    assertThat(at).as("marker found in %s", cq4).isNotNegative();
    overwrite(cq4, at + 5, "XXXX".getBytes(StandardCharsets.US_ASCII));

    StateDigest afterRestart;
    try (TestNode node = new TestNode(config)) {
      assertThat(node.data("/x")).isEqualTo("old");
      assertThat(node.digest()).isEqualTo(beforeLast);
      assertThat(node.data("/w")).isEqualTo("root2");
      node.setData("/x", "new", -1);
      node.create("/y", "y");
      afterRestart = node.digest();
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("log.corrupt-"));
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(afterRestart);
      assertThat(node.data("/x")).isEqualTo("new");
      assertThat(node.data("/y")).isEqualTo("y");
    }
    Recovery.Recovered logOnly = Recovery.replayLogOnly(dir, config.log());
    try {
      assertThat(logOnly.repaired()).isFalse();
      assertThat(StateDigest.of(logOnly)).isEqualTo(afterRestart);
    } finally {
      logOnly.log().close();
    }
  }

  @Test
  void retentionPurgesOldCyclesAfterSnapshot() throws Exception {
    SetTimeProvider time = new SetTimeProvider();
    time.currentTimeMillis((System.currentTimeMillis() / 1000) * 1000);
    LogOptions options = new LogOptions(TestRollCycles.TEST_SECONDLY, time);
    CoordinatorConfig config = TestNode.config(dir).withLog(options).withSnapshots(0, 1);
    Path logDir = dir.resolve("log");
    StateDigest before;
    long endOfSecondCycle;
    try (TestNode node = new TestNode(config)) {
      node.create("/c1", "a");
      node.create("/c1/x", "b");
      time.advanceMillis(1_000);
      node.create("/c2", "c");
      node.setData("/c1", "d", -1);
      endOfSecondCycle = node.lastApplied();
      time.advanceMillis(1_000);
      node.create("/c3", "e");
      node.delete("/c1/x", -1);
      assertThat(cycleFiles(logDir)).hasSize(3);
      assertThat(node.call(() -> node.coordinator.log().horizon())).isZero();

      long snap = node.<Long>await(c -> node.coordinator.snapshot(c));
      assertThat(snap).isEqualTo(node.lastApplied());
      assertThat(cycleFiles(logDir)).as("cycles before the snapshot are purged").hasSize(1);
      assertThat(node.call(() -> node.coordinator.log().horizon())).isEqualTo(endOfSecondCycle);
      assertThat(node.call(() -> node.coordinator.log().firstZxid())).isEqualTo(endOfSecondCycle + 1);

      // writes continue in the newest cycle; a second snapshot replaces the first
      node.create("/c4", "f");
      time.advanceMillis(1_000);
      node.create("/c5", "g");
      node.<Long>await(c -> node.coordinator.snapshot(c));
      try (var files = Files.list(dir.resolve("snapshots"))) {
        assertThat(files).hasSize(1);
      }
      assertThat(cycleFiles(logDir)).hasSize(1);
      before = node.digest();
    }
    assertThat(Long.parseLong(Files.readString(dir.resolve("log.horizon")).trim())).isGreaterThan(endOfSecondCycle);
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
      assertThat(node.children("/")).containsExactly("c1", "c2", "c3", "c4", "c5", "zookeeper");
      time.advanceMillis(1_000);
      node.create("/c6", "h");
      before = node.digest();
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
    }
  }

  @Test
  void ephemeralContainerAndTtlIndexesSurviveSnapshotRestore() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    long s;
    try (TestNode node = new TestNode(config)) {
      s = node.openSession(30_000);
      node.create(s, "/e1", "", CreateMode.EPHEMERAL);
      node.create("/box", "");
      node.create(0, "/box/c", "", CreateMode.CONTAINER);
      node.create("/box/c/item", "");
      node.create(0, "/ttl", "", CreateMode.PERSISTENT_WITH_TTL, 5_000);
      node.<Long>await(c -> node.coordinator.snapshot(c));
      node.create(s, "/e2", "", CreateMode.EPHEMERAL); // from the log, after the snapshot
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.call(() -> node.coordinator.reads().getEphemerals(s, "/"))).containsExactlyInAnyOrder("/e1", "/e2");
      node.delete("/box/c/item", -1);
      node.awaitTrue(() -> node.coordinator.reads().exists(0, "/box/c", false) == null);
      node.clockOffset.addAndGet(6_000);
      node.awaitTrue(() -> node.coordinator.reads().exists(0, "/ttl", false) == null);
      node.closeSession(s);
      assertThat(node.children("/")).containsExactly("box", "zookeeper");
    }
  }

  @Test
  void automaticSnapshotsAreTakenAndUsed() throws Exception {
    CoordinatorConfig config = TestNode.config(dir).withSnapshots(10, 2);
    StateDigest before;
    try (TestNode node = new TestNode(config)) {
      for (int i = 0; i < 45; i++) {
        node.create("/n" + i, "v" + i);
      }
      node.awaitTrue(() -> {
        try (var files = Files.list(dir.resolve("snapshots"))) {
          return files.filter(p -> !p.toString().endsWith(".tmp")).count() == 2;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      node.letTicksRun();
      before = node.digest();
    }
    Recovery.Recovered r = Recovery.recover(dir, config.log());
    try {
      assertThat(r.snapshotZxid()).isPositive();
      assertThat(StateDigest.of(r)).isEqualTo(before);
    } finally {
      r.log().close();
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(before);
    }
  }

  @Test
  void snapshotInAnOlderCycleAndTornTailInTheNewest() throws Exception {
    SetTimeProvider time = new SetTimeProvider();
    time.currentTimeMillis((System.currentTimeMillis() / 1000) * 1000);
    LogOptions options = new LogOptions(TestRollCycles.TEST_SECONDLY, time);
    CoordinatorConfig config = TestNode.config(dir).withLog(options);
    String marker = "MULTI-CYCLE-MARKER-0c41";
    StateDigest beforeLast;
    try (TestNode node = new TestNode(config)) {
      node.create("/a", "1");
      node.create("/a/b", "2");
      node.<Long>await(c -> node.coordinator.snapshot(c));
      node.create("/a/c", "3");
      time.advanceMillis(1_000);
      node.create("/d", "4");
      node.setData("/a", "5", -1);
      time.advanceMillis(1_000);
      node.create("/e", "6");
      beforeLast = node.digest();
      node.setData("/e", marker, -1);
    }
    List<Path> files = cycleFiles(dir.resolve("log"));
    assertThat(files).hasSize(3);
    Path newest = files.get(2);
    long at = find(newest, marker.getBytes(StandardCharsets.US_ASCII));
    assertThat(at).isNotNegative();
    overwrite(newest, at, "ZZ".getBytes(StandardCharsets.US_ASCII));

    StateDigest after;
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(beforeLast);
      assertThat(cycleFiles(dir.resolve("log"))).hasSize(3);
      node.setData("/e", "7", -1);
      after = node.digest();
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.digest()).isEqualTo(after);
    }
    Recovery.Recovered logOnly = Recovery.replayLogOnly(dir, options);
    try {
      assertThat(StateDigest.of(logOnly)).isEqualTo(after);
    } finally {
      logOnly.log().close();
    }
  }

  @Test
  void refusesToStartWhenTheOnlySnapshotIsDamagedAndTheLogWasPurged() throws Exception {
    SetTimeProvider time = new SetTimeProvider();
    time.currentTimeMillis((System.currentTimeMillis() / 1000) * 1000);
    LogOptions options = new LogOptions(TestRollCycles.TEST_SECONDLY, time);
    CoordinatorConfig config = TestNode.config(dir).withLog(options).withSnapshots(0, 1);
    long snap;
    try (TestNode node = new TestNode(config)) {
      node.create("/a", "1");
      node.create("/b", "2");
      time.advanceMillis(1_000);
      node.create("/c", "3");
      snap = node.<Long>await(c -> node.coordinator.snapshot(c));
      assertThat(cycleFiles(dir.resolve("log"))).hasSize(1);
    }
    Path file = dir.resolve("snapshots").resolve(String.format("snapshot.%016x", snap));
    overwrite(file, Files.size(file) / 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    // replaying what is left of the log onto an empty tree would silently lose /a and /b
    assertThatThrownBy(() -> Recovery.recover(dir, options)).isInstanceOf(IOException.class)
        .hasMessageContaining("purged");
    assertThatThrownBy(() -> Recovery.replayLogOnly(dir, options)).isInstanceOf(IOException.class);
  }

  // ---------------------------------------------------------------- helpers

  private static List<Path> cycleFiles(Path logDir) throws IOException {
    try (Stream<Path> s = Files.list(logDir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
    }
  }

  private static Path onlyCycleFile(Path logDir) throws IOException {
    List<Path> files = cycleFiles(logDir);
    assertThat(files).hasSize(1);
    return files.get(0);
  }

  private static void overwrite(Path file, long position, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), position);
      ch.force(true);
    }
  }

  /** Offset of the last occurrence of {@code needle} in {@code file}, or -1. */
  private static long find(Path file, byte[] needle) throws IOException {
    long found = -1;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      int chunk = 1 << 20;
      ByteBuffer buf = ByteBuffer.allocate(chunk + needle.length);
      for (long pos = 0; pos < size; pos += chunk) {
        buf.clear();
        int n = ch.read(buf, pos);
        if (n <= 0) {
          break;
        }
        byte[] a = buf.array();
        for (int i = 0; i + needle.length <= n; i++) {
          int j = 0;
          while (j < needle.length && a[i + j] == needle[j]) {
            j++;
          }
          if (j == needle.length) {
            found = pos + i;
          }
        }
      }
    }
    return found;
  }
}
