package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChronicleRaftStorageTest {
  @TempDir
  Path tmp;

  private static List<Entry> entries(long from, long to, long term, String prefix) {
    List<Entry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(new Entry(i, term, (prefix + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** index/term/data of each entry, comparable with equals. */
  private static List<String> describe(List<Entry> entries) {
    return entries.stream().map(e -> e.index() + "/" + e.term() + "/" + new String(e.data(), StandardCharsets.UTF_8))
        .toList();
  }

  @Test
  void persistsAndLoads() throws Exception {
    Path dir = tmp.resolve("raft");
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State empty = s.load();
      assertThat(empty.hardState()).isEqualTo(new HardState(0, 0, 0));
      assertThat(empty.entries()).isEmpty();
      s.save(new HardState(1, 2, 0), entries(1, 3, 1, "a"));
      s.save(new Ready(new HardState(1, 2, 3), entries(4, 5, 1, "a"), List.of(), List.of()));
      s.save(null, List.of());
      assertThat(s.lastIndex()).isEqualTo(5);
    }
    assertThat(Files.exists(tmp.resolve("raft.hardstate"))).isTrue();
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(st.hardState()).isEqualTo(new HardState(1, 2, 3));
      assertThat(describe(st.entries())).isEqualTo(describe(entries(1, 5, 1, "a")));
      assertThat(s.lastIndex()).isEqualTo(5);
      assertThat(describe(s.load().entries())).as("a second load rescans").isEqualTo(describe(st.entries()));
      assertThatThrownBy(() -> s.save(null, entries(7, 7, 1, "gap"))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.save(null, List.of(new Entry(6, 1, new byte[0]), new Entry(8, 1, new byte[0]))))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void replacesASuffixByAppending() throws Exception {
    Path dir = tmp.resolve("raft");
    List<String> expected = new ArrayList<>(describe(entries(1, 5, 1, "a")));
    expected.addAll(describe(entries(6, 8, 2, "b")));
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(1, 1, 0), entries(1, 10, 1, "a"));
      s.save(new HardState(2, 0, 0), entries(6, 8, 2, "b"));
      assertThat(s.lastIndex()).isEqualTo(8);
      assertThat(s.excerpts()).as("append-only: nothing was truncated").isEqualTo(13);
      assertThat(describe(s.load().entries())).isEqualTo(expected);
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(describe(s.load().entries())).isEqualTo(expected);
      assertThat(s.lastIndex()).isEqualTo(8);
      // replace again, from the very start, then extend
      s.save(null, entries(1, 2, 3, "c"));
      s.save(null, entries(3, 4, 3, "c"));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(describe(st.entries())).isEqualTo(describe(entries(1, 4, 3, "c")));
      assertThat(st.hardState()).isEqualTo(new HardState(2, 0, 0));
    }
  }

  @Test
  void hardStateIsReplacedAtomically() throws Exception {
    Path dir = tmp.resolve("raft");
    Path file = tmp.resolve("raft.hardstate");
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(5, 3, 0), List.of());
    }
    byte[] before = Files.readAllBytes(file);
    // a crash while writing the next state leaves a partial temp file: the old state stands
    Files.write(tmp.resolve("raft.hardstate.tmp"), new byte[] {1, 2, 3});
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(s.load().hardState()).isEqualTo(new HardState(5, 3, 0));
      assertThat(Files.exists(tmp.resolve("raft.hardstate.tmp"))).isFalse();
      s.save(new HardState(6, 0, 0), List.of());
      assertThat(ChronicleRaftStorage.readHardState(file)).isEqualTo(new HardState(6, 0, 0));
    }
    // deferred syncs: nothing reaches the file until sync()
    ChronicleRaftStorage.Options deferred = new ChronicleRaftStorage.Options(RollCycles.FAST_HOURLY, false);
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir, deferred)) {
      s.save(new HardState(7, 1, 0), entries(1, 2, 7, "x"));
      s.save(new HardState(7, 1, 2), List.of());
      assertThat(ChronicleRaftStorage.readHardState(file)).isEqualTo(new HardState(6, 0, 0));
      assertThat(s.load().hardState()).isEqualTo(new HardState(7, 1, 2));
      s.sync();
      assertThat(ChronicleRaftStorage.readHardState(file)).isEqualTo(new HardState(7, 1, 2));
    }
    // a damaged hard state must stop the node rather than let it forget a vote
    Files.write(file, before);
    byte[] damaged = before.clone();
    damaged[10] ^= 0x40;
    Files.write(file, damaged);
    assertThatThrownBy(() -> ChronicleRaftStorage.open(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("checksum");
    Files.write(file, new byte[5]);
    assertThatThrownBy(() -> ChronicleRaftStorage.open(dir)).isInstanceOf(IOException.class);
  }

  /** true: flip a payload byte (checksum mismatch); false: break the length field (undecodable). */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void ignoresACorruptTailAndKeepsLaterAppends(boolean flipPayload) throws Exception {
    Path dir = tmp.resolve("raft");
    String marker = "TAIL-MARKER-0123456789";
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(1, 1, 4), entries(1, 4, 1, "a"));
      s.save(null, List.of(new Entry(5, 1, marker.getBytes(StandardCharsets.UTF_8))));
    }
    corrupt(dir, marker.getBytes(StandardCharsets.UTF_8), flipPayload);
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(describe(st.entries())).isEqualTo(describe(entries(1, 4, 1, "a")));
      assertThat(st.hardState()).isEqualTo(new HardState(1, 1, 4));
      assertThat(s.lastIndex()).isEqualTo(4);
      // the node goes on: a new entry 5 and more after it
      s.save(new HardState(2, 0, 4), entries(5, 7, 2, "b"));
    }
    try (Stream<Path> list = Files.list(tmp)) {
      assertThat(list.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("raft.corrupt-"));
    }
    List<String> expected = new ArrayList<>(describe(entries(1, 4, 1, "a")));
    expected.addAll(describe(entries(5, 7, 2, "b")));
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(describe(s.load().entries())).as("appends after the repaired damage survive a reopen")
          .isEqualTo(expected);
    }
  }

  /** Finds {@code payload} in the queue's cycle files and damages it (or the length field before it). */
  private static void corrupt(Path dir, byte[] payload, boolean flipPayload) throws IOException {
    List<Path> cycles;
    try (Stream<Path> files = Files.list(dir)) {
      cycles = files.filter(p -> p.getFileName().toString().endsWith(".cq4")).toList();
    }
    for (Path f : cycles) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
        int at = indexOf(map, payload);
        if (at >= 0) {
          if (flipPayload) {
            map.put(at + 3, (byte) (map.get(at + 3) ^ 0x20));
          } else {
            map.put(at - 4, (byte) 0x7f); // low byte of the little-endian length
          }
          map.force();
          return;
        }
      }
    }
    throw new AssertionError("payload not found in " + cycles);
  }

  private static int indexOf(ByteBuffer b, byte[] p) {
    int limit = b.limit() - p.length;
    outer:
    for (int i = 0; i <= limit; i++) {
      if (b.get(i) != p[0]) {
        continue;
      }
      for (int k = 1; k < p.length; k++) {
        if (b.get(i + k) != p[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void finishesAnInterruptedRewrite() throws Exception {
    Path dir = tmp.resolve("raft");
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(1, 1, 0), entries(1, 3, 1, "a"));
    }
    // crash after the damaged queue was moved aside, before the repaired copy took its place
    Files.move(dir, tmp.resolve("raft.repair"));
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(describe(s.load().entries())).isEqualTo(describe(entries(1, 3, 1, "a")));
    }
    // crash while copying: the original is still there, the partial copy is dropped
    Files.createDirectories(tmp.resolve("raft.repair"));
    Files.write(tmp.resolve("raft.repair").resolve("junk.cq4"), new byte[10]);
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(describe(s.load().entries())).isEqualTo(describe(entries(1, 3, 1, "a")));
    }
    assertThat(Files.exists(tmp.resolve("raft.repair"))).isFalse();
  }

  // ------------------------------------------------------------------ compaction and snapshots

  private static List<String> concat(List<Entry> a, List<Entry> b) {
    List<String> out = new ArrayList<>(describe(a));
    out.addAll(describe(b));
    return out;
  }

  @Test
  void compactionPointIsPersistedAndCompactedEntriesAreNotLoaded() throws Exception {
    Path dir = tmp.resolve("raft");
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(2, 1, 14), entries(1, 10, 1, "a"));
      s.save(null, entries(11, 14, 2, "b"));
      s.compactTo(12);
      assertThat(s.snapshot()).isEqualTo(new SnapshotMeta(12, 2));
      RaftStorage.State st = s.load();
      assertThat(st.snapshot()).isEqualTo(new SnapshotMeta(12, 2));
      assertThat(describe(st.entries())).isEqualTo(describe(entries(13, 14, 2, "b")));
      assertThat(s.lastIndex()).isEqualTo(14);
      s.compactTo(5);
      assertThat(s.snapshot()).as("an older point is ignored").isEqualTo(new SnapshotMeta(12, 2));
      assertThatThrownBy(() -> s.compactTo(15)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> s.save(null, entries(12, 13, 3, "c"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("compacted");
      s.save(null, entries(15, 15, 3, "c"));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(st.hardState()).isEqualTo(new HardState(2, 1, 14));
      assertThat(st.snapshot()).isEqualTo(new SnapshotMeta(12, 2));
      assertThat(concat(st.entries(), List.of())).isEqualTo(concat(entries(13, 14, 2, "b"), entries(15, 15, 3, "c")));
      assertThat(s.lastIndex()).isEqualTo(15);
      // up to the last entry: nothing is left after the point, and the log goes on from there
      s.compactTo(15);
      assertThat(s.load().entries()).isEmpty();
      assertThat(s.lastIndex()).isEqualTo(15);
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(s.load().snapshot()).isEqualTo(new SnapshotMeta(15, 3));
      assertThat(s.load().entries()).isEmpty();
      assertThat(s.lastIndex()).isEqualTo(15);
      s.save(null, entries(16, 17, 4, "d"));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(describe(s.load().entries())).isEqualTo(describe(entries(16, 17, 4, "d")));
    }
  }

  @Test
  void aReplacementEndingBelowTheCompactionPointStillDropsTheOldSuffix() throws Exception {
    Path dir = tmp.resolve("raft");
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(2, 0, 0), entries(1, 10, 1, "a"));
      s.save(null, entries(6, 7, 2, "b")); // effective log: 1..5 (term 1), 6..7 (term 2)
      assertThat(s.lastIndex()).isEqualTo(7);
      s.compactTo(7);
      assertThat(s.snapshot()).isEqualTo(new SnapshotMeta(7, 2));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(s.load().entries()).as("8..10 of term 1 were superseded").isEmpty();
      assertThat(s.lastIndex()).isEqualTo(7);
    }
  }

  private static List<Path> cycleFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
    }
  }

  @Test
  void deletesCycleFilesEntirelyBelowTheCompactionPoint() throws Exception {
    Path dir = tmp.resolve("raft");
    SetTimeProvider time = new SetTimeProvider();
    time.currentTimeMillis((System.currentTimeMillis() / 1000) * 1000);
    ChronicleRaftStorage.Options options = new ChronicleRaftStorage.Options(TestRollCycles.TEST_SECONDLY, true, time);
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir, options)) {
      s.save(new HardState(1, 1, 0), entries(1, 5, 1, "a"));
      time.advanceMillis(1_000);
      s.save(null, entries(4, 8, 1, "b")); // reaches back into the first cycle's indexes
      time.advanceMillis(1_000);
      s.save(null, entries(9, 12, 1, "c"));
      assertThat(cycleFiles(dir)).hasSize(3);
      s.compactTo(7);
      assertThat(cycleFiles(dir)).as("the first cycle holds only 1..5").hasSize(2);
      s.compactTo(8);
      assertThat(cycleFiles(dir)).as("the second cycle holds 4..8").hasSize(1);
      s.compactTo(12);
      assertThat(cycleFiles(dir)).as("never the last cycle").hasSize(1);
      assertThat(s.load().entries()).isEmpty();
      time.advanceMillis(1_000);
      s.save(new HardState(1, 1, 12), entries(13, 14, 1, "d"));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir, options)) {
      RaftStorage.State st = s.load();
      assertThat(st.snapshot()).isEqualTo(new SnapshotMeta(12, 1));
      assertThat(describe(st.entries())).isEqualTo(describe(entries(13, 14, 1, "d")));
      s.compactTo(13);
      assertThat(cycleFiles(dir)).hasSize(1);
      assertThat(describe(s.load().entries())).isEqualTo(describe(entries(14, 14, 1, "d")));
    }
  }

  @Test
  void installSnapshotDiscardsEveryPersistedEntry() throws Exception {
    Path dir = tmp.resolve("raft");
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(1, 1, 3), entries(1, 10, 1, "a"));
      s.installSnapshot(new SnapshotMeta(5, 2)); // below the old last index: 6..10 must go as well
      assertThat(s.lastIndex()).isEqualTo(5);
      assertThat(s.load().entries()).isEmpty();
      assertThat(s.load().snapshot()).isEqualTo(new SnapshotMeta(5, 2));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(st.snapshot()).isEqualTo(new SnapshotMeta(5, 2));
      assertThat(st.entries()).isEmpty();
      assertThat(s.lastIndex()).isEqualTo(5);
      assertThatThrownBy(() -> s.save(null, entries(7, 7, 2, "gap"))).isInstanceOf(IllegalArgumentException.class);
      s.save(new HardState(2, 0, 5), entries(6, 8, 2, "b"));
      assertThatThrownBy(() -> s.installSnapshot(new SnapshotMeta(4, 2))).isInstanceOf(IllegalArgumentException.class);
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(st.hardState()).isEqualTo(new HardState(2, 0, 5));
      assertThat(describe(st.entries())).isEqualTo(describe(entries(6, 8, 2, "b")));
      // a Ready carrying a snapshot installs it before saving its entries
      s.save(new Ready(new HardState(3, 0, 20), entries(21, 22, 3, "c"), List.of(), List.of(),
          new SnapshotMeta(20, 3)));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(st.snapshot()).isEqualTo(new SnapshotMeta(20, 3));
      assertThat(st.hardState()).isEqualTo(new HardState(3, 0, 20));
      assertThat(describe(st.entries())).isEqualTo(describe(entries(21, 22, 3, "c")));
    }
  }

  @Test
  void compactionPointFileIsCrashSafe() throws Exception {
    Path dir = tmp.resolve("raft");
    Path file = tmp.resolve("raft.snapshot");
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      s.save(new HardState(1, 1, 6), entries(1, 6, 1, "a"));
      s.compactTo(3);
    }
    byte[] atThree = Files.readAllBytes(file);
    // a crash while replacing the file leaves a partial temp file: the old point stands
    Files.write(tmp.resolve("raft.snapshot.tmp"), new byte[] {9, 9});
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(s.load().snapshot()).isEqualTo(new SnapshotMeta(3, 1));
      assertThat(Files.exists(tmp.resolve("raft.snapshot.tmp"))).isFalse();
      s.installSnapshot(new SnapshotMeta(9, 2));
      assertThat(ChronicleRaftStorage.readSnapshot(file)).isEqualTo(new SnapshotMeta(9, 2));
    }
    // a crash after the reset marker was synced, before the point was written: the marker wins
    Files.write(file, atThree);
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(st.snapshot()).isEqualTo(new SnapshotMeta(9, 2));
      assertThat(st.entries()).isEmpty();
      s.save(new HardState(2, 0, 9), entries(10, 11, 2, "b"));
      assertThat(ChronicleRaftStorage.readSnapshot(file)).as("written by the next sync").isEqualTo(new SnapshotMeta(9, 2));
      s.save(null, List.of(new Entry(12, 2, "SNAPSHOT-TAIL-MARKER-42".getBytes(StandardCharsets.UTF_8))));
    }
    // again, and now the tail is damaged: the repair rewrites the queue without the marker, so the
    // point it carried must reach the file first
    Files.write(file, atThree);
    corrupt(dir, "SNAPSHOT-TAIL-MARKER-42".getBytes(StandardCharsets.UTF_8), true);
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      RaftStorage.State st = s.load();
      assertThat(st.snapshot()).isEqualTo(new SnapshotMeta(9, 2));
      assertThat(describe(st.entries())).isEqualTo(describe(entries(10, 11, 2, "b")));
      assertThat(ChronicleRaftStorage.readSnapshot(file)).isEqualTo(new SnapshotMeta(9, 2));
    }
    try (ChronicleRaftStorage s = ChronicleRaftStorage.open(dir)) {
      assertThat(s.load().snapshot()).isEqualTo(new SnapshotMeta(9, 2));
      assertThat(describe(s.load().entries())).isEqualTo(describe(entries(10, 11, 2, "b")));
    }
    // a damaged point must stop the node: compacted entries may already be deleted
    byte[] damaged = Files.readAllBytes(file);
    damaged[8] ^= 0x10;
    Files.write(file, damaged);
    assertThatThrownBy(() -> ChronicleRaftStorage.open(dir)).isInstanceOf(IOException.class)
        .hasMessageContaining("checksum");
    Files.write(file, new byte[7]);
    assertThatThrownBy(() -> ChronicleRaftStorage.open(dir)).isInstanceOf(IOException.class);
  }

  // ------------------------------------------------------------------ a cluster on real storage

  /**
   * Three RaftNodes whose Readys go through ChronicleRaftStorage; crashes drop the RaftNode object.
   * A host's snapshot (the entries it applied up to its compaction point) is kept in
   * {@code snapshots}, which survives crashes like a file would, and travels with SNAPSHOT messages.
   */
  private final class DurableCluster implements AutoCloseable {
    final List<Long> ids = List.of(1L, 2L, 3L);
    final RaftConfig config = new RaftConfig(10, 2, true, 16);
    final Random random = new Random(11);
    final Map<Long, ChronicleRaftStorage> storages = new HashMap<>();
    final Map<Long, RaftNode> nodes = new HashMap<>();
    final Map<Long, List<Entry>> applied = new HashMap<>();
    final Map<Long, Entry> committed = new HashMap<>();
    final Set<Long> isolated = new HashSet<>();
    final Map<Long, List<Entry>> snapshots = new HashMap<>();
    final Map<RaftMessage, List<Entry>> attached = new IdentityHashMap<>();
    final Map<Long, List<Entry>> inbound = new HashMap<>();
    List<RaftMessage> network = new ArrayList<>();
    int proposals;
    int installs;

    DurableCluster() throws IOException {
      for (long id : ids) {
        start(id);
      }
    }

    Path dir(long id) {
      return tmp.resolve("node" + id).resolve("raft");
    }

    void start(long id) throws IOException {
      ChronicleRaftStorage s = ChronicleRaftStorage.open(dir(id));
      RaftStorage.State st = s.load();
      storages.put(id, s);
      List<Entry> snapshot = snapshots.getOrDefault(id, List.of());
      assertThat(snapshot).hasSize(st.snapshot() == null ? 0 : (int) st.snapshot().index());
      nodes.put(id, new RaftNode(id, ids, config, new Random(random.nextLong()), st.hardState(), st.snapshot(),
          st.entries(), snapshot.size()));
      applied.put(id, new ArrayList<>(snapshot));
    }

    /** The host snapshots what it applied, then compacts the node and its storage. */
    void compact(long id) {
      List<Entry> mine = applied.get(id);
      snapshots.put(id, List.copyOf(mine));
      nodes.get(id).compact(mine.size());
      storages.get(id).compactTo(mine.size());
    }

    /** Discards the node's in-memory state; only what its storage holds survives. */
    void crash(long id) {
      nodes.remove(id);
      storages.remove(id).close();
      network.removeIf(m -> m.to() == id);
    }

    void step() {
      List<RaftMessage> due = network;
      network = new ArrayList<>();
      for (RaftMessage m : due) {
        RaftNode to = nodes.get(m.to());
        List<Entry> snapshot = attached.remove(m);
        if (to != null) {
          if (snapshot != null) {
            inbound.put(m.to(), snapshot);
          }
          to.step(m);
          drain(to);
        }
      }
      for (long id : ids) {
        RaftNode n = nodes.get(id);
        if (n != null) {
          n.tick();
          drain(n);
        }
      }
    }

    void run(int steps) {
      for (int i = 0; i < steps; i++) {
        step();
      }
    }

    void drain(RaftNode node) {
      while (node.hasReady()) {
        Ready r = node.ready();
        if (r.snapshot() != null) {
          List<Entry> data = inbound.remove(node.id());
          assertThat(data).hasSize((int) r.snapshot().index());
          snapshots.put(node.id(), data);
          applied.put(node.id(), new ArrayList<>(data));
          installs++;
        }
        storages.get(node.id()).save(r);
        for (RaftMessage m : r.messages()) {
          if (isolated.contains(m.from()) == isolated.contains(m.to())) {
            network.add(m);
            if (m.type() == RaftMessage.Type.SNAPSHOT) {
              attached.put(m, snapshots.get(m.from()));
            }
          }
        }
        for (Entry e : r.committed()) {
          List<Entry> mine = applied.get(node.id());
          assertThat(e.index()).as("node %d applies in order", node.id()).isEqualTo(mine.size() + 1);
          mine.add(e);
          Entry known = committed.putIfAbsent(e.index(), e);
          if (known != null) {
            assertThat(describe(List.of(e))).as("node %d agrees on entry %d", node.id(), e.index())
                .isEqualTo(describe(List.of(known)));
          }
        }
        node.advance(r);
      }
    }

    RaftNode leader() {
      RaftNode best = null;
      for (RaftNode n : nodes.values()) {
        if (n.role() == RaftNode.Role.LEADER && !isolated.contains(n.id())
            && (best == null || n.term() > best.term())) {
          best = n;
        }
      }
      return best;
    }

    RaftNode awaitLeader() {
      for (int i = 0; i < 200 && leader() == null; i++) {
        step();
      }
      assertThat(leader()).as("a leader is elected").isNotNull();
      return leader();
    }

    void propose(RaftNode at, String value) {
      assertThat(at.propose(value.getBytes(StandardCharsets.UTF_8))).isPositive();
      drain(at);
    }

    void proposeMany(int n) {
      RaftNode l = awaitLeader();
      for (int i = 0; i < n; i++) {
        propose(l, "v" + (++proposals));
      }
    }

    void assertConverged() {
      List<String> reference = describe(applied.get(leader().id()));
      for (long id : ids) {
        assertThat(describe(applied.get(id))).as("node %d applied", id).isEqualTo(reference);
      }
    }

    @Override
    public void close() {
      for (ChronicleRaftStorage s : storages.values()) {
        s.close();
      }
      storages.clear();
    }
  }

  @Test
  void restartedNodesCatchUpFromTheirStorage() throws Exception {
    List<List<String>> reopened = new ArrayList<>();
    try (DurableCluster c = new DurableCluster()) {
      c.proposeMany(10);
      c.run(10);
      c.assertConverged();
      assertThat(c.applied.get(1L)).hasSize(11);

      // a follower crashes, misses writes, restarts from its storage and catches up
      long follower = c.ids.stream().filter(id -> id != c.leader().id()).findFirst().orElseThrow();
      c.crash(follower);
      c.proposeMany(10);
      c.run(5);
      c.start(follower);
      assertThat(c.nodes.get(follower).lastIndex()).as("restarted with its persisted log").isEqualTo(11);
      c.run(20);
      c.assertConverged();
      assertThat(c.applied.get(follower)).hasSize(21);

      // the leader is cut off with entries only it has; a new leader overwrites them once it is back,
      // after a crash and restart in between, so the replacement goes through the storage
      RaftNode old = c.leader();
      c.isolated.add(old.id());
      for (int i = 0; i < 3; i++) {
        c.propose(old, "lost" + i);
      }
      assertThat(c.storages.get(old.id()).lastIndex()).isEqualTo(24);
      RaftNode fresh = c.awaitLeader();
      assertThat(fresh.id()).isNotEqualTo(old.id());
      c.proposeMany(5);
      c.run(10);
      c.crash(old.id());
      c.start(old.id());
      assertThat(c.nodes.get(old.id()).lastIndex()).as("uncommitted suffix is persisted").isEqualTo(24);
      c.isolated.clear();
      c.run(30);
      c.proposeMany(2);
      c.run(10);
      c.assertConverged();
      ChronicleRaftStorage oldStorage = c.storages.get(old.id());
      assertThat(oldStorage.excerpts()).as("the lost suffix was superseded by appending")
          .isGreaterThan(oldStorage.lastIndex());
      assertThat(c.committed.values()).noneMatch(e -> new String(e.data(), StandardCharsets.UTF_8).startsWith("lost"));
      for (long id : c.ids) {
        assertThat(c.nodes.get(id).commitIndex()).isEqualTo(c.applied.get(id).size());
      }
    }
    // every node's storage now holds the same log, which is what every node applied
    for (long id : List.of(1L, 2L, 3L)) {
      try (ChronicleRaftStorage s = ChronicleRaftStorage.open(tmp.resolve("node" + id).resolve("raft"))) {
        RaftStorage.State st = s.load();
        reopened.add(describe(st.entries()));
        assertThat(st.hardState().commit()).isEqualTo(st.entries().size());
      }
    }
    assertThat(reopened.get(1)).isEqualTo(reopened.get(0));
    assertThat(reopened.get(2)).isEqualTo(reopened.get(0));
    assertThat(reopened.get(0)).noneMatch(d -> d.contains("lost"));
  }

  @Test
  void laggingNodeCatchesUpThroughASnapshotOnRealStorage() throws Exception {
    try (DurableCluster c = new DurableCluster()) {
      c.proposeMany(5);
      c.run(10);
      RaftNode leader = c.leader();
      long follower = c.ids.stream().filter(id -> id != leader.id()).findFirst().orElseThrow();
      c.crash(follower);
      c.proposeMany(20);
      c.run(10);
      for (long id : List.copyOf(c.nodes.keySet())) {
        c.compact(id);
      }
      SnapshotMeta point = leader.snapshot();
      assertThat(point.index()).isEqualTo(26);

      c.start(follower);
      c.run(30);
      c.assertConverged();
      assertThat(c.installs).isEqualTo(1);
      assertThat(c.storages.get(follower).snapshot()).isEqualTo(point);

      // the follower restarts from its installed snapshot and the entries after it
      c.proposeMany(3);
      c.run(10);
      c.crash(follower);
      c.start(follower);
      assertThat(c.nodes.get(follower).snapshot()).isEqualTo(point);
      assertThat(c.nodes.get(follower).lastIndex()).isEqualTo(29);
      c.run(10);
      c.proposeMany(1);
      c.run(10);
      c.assertConverged();
      assertThat(c.applied.get(follower)).hasSize(30);
      assertThat(c.installs).isEqualTo(1);
    }
  }
}
