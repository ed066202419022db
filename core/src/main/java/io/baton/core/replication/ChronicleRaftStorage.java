package io.baton.core.replication;

import io.baton.core.log.CycleFileSync;
import io.baton.core.log.ZeroFiller;
import io.baton.core.log.DurableFiles;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RaftStorage} on a Chronicle Queue directory plus a hard-state file beside it.
 *
 * <h2>Layout</h2>
 * <pre>
 *   &lt;dir&gt;/              Chronicle Queue: one excerpt per entry (and one per installed snapshot)
 *   &lt;dir&gt;.hardstate     term, vote, commit (replaced atomically)
 *   &lt;dir&gt;.snapshot      index and term of the compaction point (replaced atomically)
 * </pre>
 * An excerpt is {@code long index, long term, int crc32c, int length, payload} (Chronicle's native
 * byte order), the CRC32C covering index, term, length and payload. An excerpt whose length is -1
 * (no payload) is a <em>reset marker</em>, written by {@link #installSnapshot}: the log is replaced
 * by the snapshot {@code (index, term)}, and every entry before the marker is void.
 *
 * <h2>Append-only replacement</h2>
 * Chronicle Queue cannot truncate, so when a save replaces entries from index {@code i} (its first
 * entry's index is at most the last persisted index) the new entries are simply appended. The
 * effective log is rebuilt on open by reading the queue sequentially: whenever an excerpt's index is
 * at most the current last index, the in-memory suffix from that index is dropped before the
 * excerpt is appended; an excerpt whose index is beyond last + 1 (a gap) counts as damage. So the
 * queue holds 1..10 (term 1) then 6..8 (term 2) and the effective log is 1..5 (term 1), 6..8 (term
 * 2). Superseded excerpts stay on disk until the queue is rewritten (see below).
 *
 * <h2>Hard state</h2>
 * Written as {@code <dir>.hardstate.tmp}, fsynced, renamed over {@code <dir>.hardstate}, then the
 * parent directory is fsynced: a crash leaves either the old or the new state. The file carries a
 * magic, a version and a CRC32C; a damaged hard-state file fails {@link #open} (a forgotten vote
 * could elect two leaders, so the node must not start on a guess). Within one save, entries are made
 * durable before the hard state, so a persisted commit index never exceeds the persisted log.
 *
 * <h2>Durability</h2>
 * {@link #save} writes into the memory-mapped queue and, by default ({@link Options#syncOnSave}),
 * calls {@link #sync()} before returning: fsync of every cycle file touched since the last sync (and
 * of the directory when a cycle file is new), then the compaction-point file if the point moved,
 * then the hard-state file. {@link #installSnapshot} behaves like {@link #save}. With {@code syncOnSave}
 * off, saves only write entries (the hard state is kept pending in memory) and the host batches
 * several Readys under one {@link #sync()}; it must not send those Readys' messages before that.
 *
 * <h2>Torn or corrupt tail</h2>
 * An unfinished excerpt left by a crash is not exposed by Chronicle. A complete excerpt that fails
 * its checksum, cannot be decoded, or leaves a gap stops the rebuild there: it and everything after
 * it in the queue is ignored. Because new entries would be appended <em>after</em> the damage (and a
 * later open would stop before them again, losing entries the node has acknowledged), opening a
 * damaged queue rewrites it: the effective entries are copied into {@code <dir>.repair}, fsynced,
 * the damaged queue is moved aside as {@code <dir>.corrupt-<millis>} (kept for inspection) and the
 * copy renamed into place. A crash during the rewrite is finished (or discarded) by the next open.
 *
 * <h2>Compaction</h2>
 * {@link #compactTo} writes the compaction point to {@code <dir>.snapshot} (like the hard state:
 * temp file, fsync, rename, directory fsync, magic, version and CRC32C; a damaged file fails
 * {@link #open}), then deletes whole cycle files, oldest first and never the last, whose excerpts
 * all have an index at or below it (the same way {@code ChronicleTxnLog.purge} does). On open, an
 * excerpt at or below the compaction point is not kept in memory; like any excerpt it still drops
 * the suffix from its index on. {@link #installSnapshot} appends a reset marker (atomic, as a single
 * excerpt) and moves the compaction point to it in the same {@link #sync}; should a crash come
 * between the two, the marker wins on the next open, which rewrites the file before a repair could
 * drop the marker.
 */
public final class ChronicleRaftStorage implements RaftStorage {
  static {
    if (System.getProperty("chronicle.analytics.disable") == null) {
      System.setProperty("chronicle.analytics.disable", "true");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ChronicleRaftStorage.class);
  private static final int HEADER = 24;
  private static final int HARD_STATE_MAGIC = 0x42524853; // "BRHS"
  private static final byte HARD_STATE_VERSION = 1;
  private static final int HARD_STATE_BYTES = 4 + 1 + 3 * 8 + 4;
  private static final int SNAPSHOT_MAGIC = 0x4252534e; // "BRSN"
  private static final byte SNAPSHOT_VERSION = 1;
  private static final int SNAPSHOT_BYTES = 4 + 1 + 2 * 8 + 4;
  private static final int RESET = -1;

  /**
   * @param rollCycle    how often Chronicle starts a new cycle file
   * @param syncOnSave   {@link #save} fsyncs before returning; off: the host calls {@link #sync()}
   * @param timeProvider the queue's clock (which cycle file is written), null for the system clock
   */
  public record Options(RollCycle rollCycle, boolean syncOnSave, TimeProvider timeProvider) {
    public Options(RollCycle rollCycle, boolean syncOnSave) {
      this(rollCycle, syncOnSave, null);
    }

    public static Options defaults() {
      return new Options(RollCycles.FAST_HOURLY, true);
    }
  }

  /** A cycle file and the highest index of an excerpt in it. */
  private static final class Cycle {
    final File file;
    long maxIndex;

    Cycle(File file) {
      this.file = file;
    }
  }

  private final Path dir;
  private final Path hardStateFile;
  private final Path snapshotFile;
  private final Options options;
  private final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
  private final CycleFileSync cycleFiles;
  private final ZeroFiller zeros;
  /** First index of each run of equal terms in the effective log after the compaction point. */
  private final TreeMap<Long, Long> termStarts = new TreeMap<>();
  private TreeMap<Integer, Cycle> cycles = new TreeMap<>();
  private HardState hardState;
  private HardState pendingHardState;
  private SnapshotMeta snapshot;
  private SnapshotMeta snapshotOnFile;
  private long lastIndex;
  private long excerpts;
  private List<Entry> recovered;

  private ChronicleRaftStorage(Path dir, Options options) throws IOException {
    this.dir = dir.toAbsolutePath();
    this.options = options;
    this.hardStateFile = sibling(this.dir, ".hardstate");
    this.snapshotFile = sibling(this.dir, ".snapshot");
    this.cycleFiles = new CycleFileSync(this.dir);
    finishInterruptedRewrite(this.dir);
    Files.createDirectories(this.dir);
    Files.deleteIfExists(sibling(hardStateFile, ".tmp"));
    Files.deleteIfExists(sibling(snapshotFile, ".tmp"));
    this.hardState = readHardState(hardStateFile);
    this.snapshotOnFile = readSnapshot(snapshotFile);
    SingleChronicleQueue q = build(this.dir, options);
    Scan scan;
    try {
      scan = scan(q, snapshotOnFile);
    } catch (RuntimeException e) {
      q.close();
      throw e;
    }
    if (scan.damagedAt != -1) {
      q.close();
      LOG.warn("damaged raft log in {} at excerpt 0x{} ({}): keeping the {} entries before it and rewriting the queue",
          this.dir, Long.toHexString(scan.damagedAt), scan.damage, scan.entries.size());
      if (!Objects.equals(scan.snapshot, snapshotOnFile)) {
        // a reset marker the rewrite would drop: its compaction point must be on file first
        writeSnapshot(snapshotFile, scan.snapshot);
        snapshotOnFile = scan.snapshot;
      }
      rewrite(this.dir, options, scan.entries);
      q = build(this.dir, options);
      scan = scan(q, snapshotOnFile);
    }
    this.queue = q;
    this.appender = queue.createAppender();
    restore(scan);
    this.recovered = scan.entries;
    this.zeros = new ZeroFiller(this.dir.getFileName().toString());
  }

  /** Opens (or creates) the storage whose queue is {@code dir}; repairs a damaged tail. */
  public static ChronicleRaftStorage open(Path dir, Options options) throws IOException {
    return new ChronicleRaftStorage(dir, options);
  }

  public static ChronicleRaftStorage open(Path dir) throws IOException {
    return open(dir, Options.defaults());
  }

  public Path dir() {
    return dir;
  }

  private static SingleChronicleQueue build(Path dir, Options options) {
    SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(dir.toFile())
        .rollCycle(options.rollCycle())
        .timeoutMS(2_000);
    if (options.timeProvider() != null) {
      b.timeProvider(options.timeProvider());
    }
    return b.build();
  }

  private static Path sibling(Path p, String suffix) {
    return p.resolveSibling(p.getFileName() + suffix);
  }

  // ------------------------------------------------------------------ load

  private record Scan(SnapshotMeta snapshot, List<Entry> entries, long excerpts, TreeMap<Integer, Cycle> cycles,
                      long damagedAt, String damage) {
  }

  /** Rebuilds the effective log after {@code start} (the compaction point on file, or null). */
  private Scan scan(SingleChronicleQueue q, SnapshotMeta start) {
    SnapshotMeta snap = start;
    List<Entry> entries = new ArrayList<>();
    TreeMap<Integer, Cycle> seen = new TreeMap<>();
    long count = 0;
    try (ExcerptTailer tailer = q.createTailer()) {
      tailer.toStart();
      while (true) {
        long at = tailer.index();
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            return new Scan(snap, entries, count, seen, -1, null);
          }
          at = dc.index();
          Object decoded = decode(dc.wire().bytes());
          if (decoded instanceof String problem) {
            return new Scan(snap, entries, count, seen, at, problem);
          }
          long base = snap == null ? 0 : snap.index();
          long index;
          if (decoded instanceof SnapshotMeta reset) {
            entries.clear();
            if (reset.index() > base) {
              snap = reset;
            }
            index = reset.index();
          } else {
            Entry e = (Entry) decoded;
            long last = base + entries.size();
            if (e.index() < 1 || e.index() > last + 1) {
              return new Scan(snap, entries, count, seen, at, "entry " + e.index() + " after last index " + last);
            }
            // an excerpt drops the suffix from its index on; only entries after the snapshot are kept
            entries.subList((int) Math.max(0, e.index() - base - 1), entries.size()).clear();
            if (e.index() > base) {
              entries.add(e);
            }
            index = e.index();
          }
          count++;
          noteCycle(seen, tailer.cycle(), tailer.currentFile(), index);
        } catch (RuntimeException ex) {
          return new Scan(snap, entries, count, seen, Math.max(at, 0), "unreadable excerpt: " + ex);
        }
      }
    }
  }

  private static void noteCycle(TreeMap<Integer, Cycle> cycles, int cycle, File file, long index) {
    Cycle c = cycles.computeIfAbsent(cycle, k -> new Cycle(file));
    c.maxIndex = Math.max(c.maxIndex, index);
  }

  /** Adopts a scan's result as the current state. */
  private void restore(Scan scan) {
    snapshot = scan.snapshot;
    lastIndex = snapshotIndex() + scan.entries.size();
    excerpts = scan.excerpts;
    cycles = scan.cycles;
    termStarts.clear();
    scan.entries.forEach(this::noteTerm);
  }

  /** The entry (or the reset marker's snapshot) in an excerpt, or a String saying what is wrong with it. */
  private Object decode(Bytes<?> bytes) {
    long remaining = bytes.readRemaining();
    if (remaining < HEADER) {
      return "short excerpt of " + remaining + " bytes";
    }
    long index = bytes.readLong();
    long term = bytes.readLong();
    int expected = bytes.readInt();
    int len = bytes.readInt();
    if (len == RESET && bytes.readRemaining() == 0) {
      return checksum(index, term, RESET, new byte[0]) != expected ? "checksum mismatch"
          : new SnapshotMeta(index, term);
    }
    if (len < 0 || len != bytes.readRemaining()) {
      return "length " + len + " does not match the " + bytes.readRemaining() + " bytes left";
    }
    byte[] data = new byte[len];
    bytes.read(data);
    if (checksum(index, term, len, data) != expected) {
      return "checksum mismatch";
    }
    return new Entry(index, term, data);
  }

  private int checksum(long index, long term, int length, byte[] data) {
    header.clear();
    header.putLong(index).putLong(term).putInt(length).flip();
    crc.reset();
    crc.update(header);
    crc.update(data);
    return (int) crc.getValue();
  }

  @Override
  public State load() throws IOException {
    List<Entry> entries = recovered;
    recovered = null;
    if (entries == null) {
      Scan scan = scan(queue, snapshot);
      if (scan.damagedAt != -1) {
        throw new IOException("raft log in " + dir + " damaged at excerpt 0x" + Long.toHexString(scan.damagedAt)
            + ": " + scan.damage);
      }
      entries = scan.entries;
    }
    HardState hs = pendingHardState != null ? pendingHardState : hardState;
    return new State(hs, snapshot, List.copyOf(entries));
  }

  // ------------------------------------------------------------------ save

  @Override
  public void save(HardState hs, List<Entry> entries) {
    if (entries == null) {
      entries = List.of();
    }
    if (!entries.isEmpty()) {
      long first = entries.get(0).index();
      if (first <= snapshotIndex()) {
        throw new IllegalArgumentException("entries from " + first + " are compacted (snapshot at "
            + snapshotIndex() + ")");
      }
      if (first > lastIndex + 1) {
        throw new IllegalArgumentException("entries from " + first + " would leave a gap after " + lastIndex);
      }
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).index() != first + i) {
          throw new IllegalArgumentException("entries are not consecutive at " + entries.get(i).index());
        }
      }
      recovered = null;
      termStarts.tailMap(first, true).clear();
      for (Entry e : entries) {
        write(e);
        noteTerm(e);
      }
      lastIndex = entries.get(entries.size() - 1).index();
    }
    if (hs != null) {
      pendingHardState = hs;
    }
    if (options.syncOnSave()) {
      sync();
    }
  }

  private void noteTerm(Entry e) {
    Map.Entry<Long, Long> run = termStarts.lastEntry();
    if (run == null || run.getValue() != e.term()) {
      termStarts.put(e.index(), e.term());
    }
  }

  private void write(Entry e) {
    byte[] data = e.data() == null ? new byte[0] : e.data();
    append(e.index(), e.term(), data.length, data);
  }

  private void append(long index, long term, int length, byte[] data) {
    long end = writeExcerpt(appender, zeros, index, term, length, data);
    excerpts++;
    cycleFiles.touched(appender.currentFile(), end);
    noteCycle(cycles, appender.cycle(), appender.currentFile(), index);
  }

  /**
   * One excerpt: index, term, crc32c over (index, term, length, payload), length, payload; a reset
   * marker has length -1 and no payload. Returns the end of the excerpt in its cycle file. {@code zeros}, if
   * not null, is told where the excerpt will end before it is written.
   */
  private long writeExcerpt(ExcerptAppender appender, ZeroFiller zeros, long index, long term, int length,
                            byte[] data) {
    int sum = checksum(index, term, length, data);
    try (DocumentContext dc = appender.writingDocument()) {
      Bytes<?> bytes = dc.wire().bytes();
      if (zeros != null) {
        zeros.claim(appender.currentFile(), bytes.writePosition() + HEADER + data.length);
      }
      bytes.writeLong(index);
      bytes.writeLong(term);
      bytes.writeInt(sum);
      bytes.writeInt(length);
      bytes.write(data);
      return bytes.writePosition();
    }
  }

  @Override
  public void installSnapshot(SnapshotMeta meta) {
    if (meta.index() < snapshotIndex()) {
      throw new IllegalArgumentException("snapshot at " + meta.index() + " is behind the compaction point "
          + snapshotIndex());
    }
    recovered = null;
    append(meta.index(), meta.term(), RESET, new byte[0]);
    snapshot = meta;
    lastIndex = meta.index();
    termStarts.clear();
    if (options.syncOnSave()) {
      sync();
    }
  }

  @Override
  public void sync() {
    cycleFiles.sync();
    if (!Objects.equals(snapshot, snapshotOnFile)) {
      try {
        writeSnapshot(snapshotFile, snapshot);
      } catch (IOException ex) {
        throw new UncheckedIOException("writing " + snapshotFile + " failed", ex);
      }
      snapshotOnFile = snapshot;
    }
    if (pendingHardState != null) {
      if (!pendingHardState.equals(hardState)) {
        try {
          writeHardState(hardStateFile, pendingHardState);
        } catch (IOException ex) {
          throw new UncheckedIOException("writing " + hardStateFile + " failed", ex);
        }
        hardState = pendingHardState;
      }
      pendingHardState = null;
    }
  }

  @Override
  public long lastIndex() {
    return lastIndex;
  }

  /** Number of entry excerpts in the queue, superseded ones included (they stay until a rewrite). */
  long excerpts() {
    return excerpts;
  }

  @Override
  public SnapshotMeta snapshot() {
    return snapshot;
  }

  private long snapshotIndex() {
    return snapshot == null ? 0 : snapshot.index();
  }

  /**
   * Moves the compaction point to {@code index} (after making every earlier save durable, so a
   * pending reset marker is never overtaken), then deletes the cycle files it covers.
   */
  @Override
  public void compactTo(long index) {
    if (index < 0 || index > lastIndex) {
      throw new IllegalArgumentException("cannot compact to " + index + " with last index " + lastIndex);
    }
    if (index <= snapshotIndex()) {
      return;
    }
    long term = termStarts.floorEntry(index).getValue();
    if (index < lastIndex) {
      long next = termStarts.floorEntry(index + 1).getValue();
      termStarts.headMap(index + 1, true).clear();
      termStarts.put(index + 1, next);
    } else {
      termStarts.clear();
    }
    recovered = null;
    snapshot = new SnapshotMeta(index, term);
    sync();
    deleteCompactedCycles();
  }

  /** Deletes the oldest cycle files, never the last, whose excerpts are all at or below the compaction point. */
  private void deleteCompactedCycles() {
    int last = queue.lastCycle();
    boolean deleted = false;
    for (Iterator<Map.Entry<Integer, Cycle>> it = cycles.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Integer, Cycle> c = it.next();
      if (c.getKey() >= last || c.getValue().maxIndex > snapshotIndex()) {
        break;
      }
      File file = c.getValue().file;
      cycleFiles.forget(file);
      try {
        Files.deleteIfExists(file.toPath());
      } catch (IOException ex) {
        throw new UncheckedIOException("deleting " + file + " failed", ex);
      }
      it.remove();
      deleted = true;
      LOG.info("deleted raft log cycle {} ({}), entries up to {} are compacted", c.getKey(), file.getName(),
          c.getValue().maxIndex);
    }
    if (deleted) {
      queue.refreshDirectoryListing();
    }
  }

  @Override
  public void close() {
    zeros.close();
    cycleFiles.close();
    appender.close();
    queue.close();
  }


  // ------------------------------------------------------------------ hard state file

  static HardState readHardState(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new HardState(0, 0, 0);
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != HARD_STATE_BYTES) {
      throw new IOException(file + ": hard state of " + bytes.length + " bytes, expected " + HARD_STATE_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.getInt() != HARD_STATE_MAGIC || b.get() != HARD_STATE_VERSION) {
      throw new IOException(file + ": not a hard state file of a known version");
    }
    long term = b.getLong();
    long vote = b.getLong();
    long commit = b.getLong();
    CRC32C c = new CRC32C();
    c.update(bytes, 0, HARD_STATE_BYTES - 4);
    if ((int) c.getValue() != b.getInt()) {
      throw new IOException(file + ": hard state checksum mismatch");
    }
    return new HardState(term, vote, commit);
  }

  static void writeHardState(Path file, HardState hs) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(HARD_STATE_BYTES);
    b.putInt(HARD_STATE_MAGIC).put(HARD_STATE_VERSION).putLong(hs.term()).putLong(hs.vote()).putLong(hs.commit());
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, HARD_STATE_BYTES - 4);
    b.putInt((int) c.getValue()).flip();
    DurableFiles.writeAtomically(file, b);
  }

  // ------------------------------------------------------------------ snapshot file

  /** The compaction point on file, null if there is no file. */
  static SnapshotMeta readSnapshot(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length != SNAPSHOT_BYTES) {
      throw new IOException(file + ": compaction point of " + bytes.length + " bytes, expected " + SNAPSHOT_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.getInt() != SNAPSHOT_MAGIC || b.get() != SNAPSHOT_VERSION) {
      throw new IOException(file + ": not a compaction point file of a known version");
    }
    long index = b.getLong();
    long term = b.getLong();
    CRC32C c = new CRC32C();
    c.update(bytes, 0, SNAPSHOT_BYTES - 4);
    if ((int) c.getValue() != b.getInt()) {
      throw new IOException(file + ": compaction point checksum mismatch");
    }
    return new SnapshotMeta(index, term);
  }

  static void writeSnapshot(Path file, SnapshotMeta meta) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SNAPSHOT_BYTES);
    b.putInt(SNAPSHOT_MAGIC).put(SNAPSHOT_VERSION).putLong(meta.index()).putLong(meta.term());
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, SNAPSHOT_BYTES - 4);
    b.putInt((int) c.getValue()).flip();
    DurableFiles.writeAtomically(file, b);
  }

  // ------------------------------------------------------------------ rewrite

  /** Completes or discards a rewrite that a crash interrupted. */
  private static void finishInterruptedRewrite(Path dir) throws IOException {
    Path repair = sibling(dir, ".repair");
    if (!Files.exists(repair)) {
      return;
    }
    if (Files.exists(dir)) {
      // the copy may be incomplete; the original is still in place
      DurableFiles.deleteTree(repair);
    } else {
      // the copy was complete and fsynced before the original was moved aside
      Files.move(repair, dir, StandardCopyOption.ATOMIC_MOVE);
      DurableFiles.fsyncDirectory(dir.getParent());
      LOG.info("finished an interrupted rewrite of {}", dir);
    }
  }

  /** Replaces the (closed) queue in {@code dir} by one holding exactly {@code entries}. */
  private void rewrite(Path dir, Options options, List<Entry> entries) throws IOException {
    Path repair = sibling(dir, ".repair");
    DurableFiles.deleteTree(repair);
    try (SingleChronicleQueue q = build(repair, options); ExcerptAppender a = q.createAppender()) {
      for (Entry e : entries) {
        byte[] data = e.data() == null ? new byte[0] : e.data();
        writeExcerpt(a, null, e.index(), e.term(), data.length, data);
      }
    }
    DurableFiles.fsyncTree(repair);
    Path aside = sibling(dir, ".corrupt-" + System.currentTimeMillis());
    Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
    Files.move(repair, dir, StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.fsyncDirectory(dir.getParent());
    LOG.warn("rewrote the raft log in {} with {} entries; the damaged queue is kept as {}", dir, entries.size(),
        aside.getFileName());
  }
}
