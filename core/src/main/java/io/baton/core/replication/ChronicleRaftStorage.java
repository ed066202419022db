package io.baton.core.replication;

import io.baton.core.log.CycleFileSync;
import io.baton.core.log.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
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
 *   &lt;dir&gt;/              Chronicle Queue: one excerpt per entry
 *   &lt;dir&gt;.hardstate     term, vote, commit (replaced atomically)
 * </pre>
 * An excerpt is {@code long index, long term, int crc32c, int length, payload} (Chronicle's native
 * byte order), the CRC32C covering index, term, length and payload.
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
 * of the directory when a cycle file is new), then the hard-state file. With {@code syncOnSave}
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
 * {@link #compactTo} is a no-op for now: {@link RaftNode} has no snapshots yet and needs its log
 * from index 1. Once it does, compaction can reuse the rewrite above (copy entries after the
 * snapshot index, which also drops superseded excerpts) or drop whole cycle files like
 * {@code ChronicleTxnLog.purge}.
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

  /**
   * @param rollCycle  how often Chronicle starts a new cycle file
   * @param syncOnSave {@link #save} fsyncs before returning; off: the host calls {@link #sync()}
   */
  public record Options(RollCycle rollCycle, boolean syncOnSave) {
    public static Options defaults() {
      return new Options(RollCycles.FAST_HOURLY, true);
    }
  }

  private final Path dir;
  private final Path hardStateFile;
  private final Options options;
  private final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
  private final CycleFileSync cycleFiles;
  private HardState hardState;
  private HardState pendingHardState;
  private long lastIndex;
  private long excerpts;
  private List<Entry> recovered;

  private ChronicleRaftStorage(Path dir, Options options) throws IOException {
    this.dir = dir.toAbsolutePath();
    this.options = options;
    this.hardStateFile = sibling(this.dir, ".hardstate");
    this.cycleFiles = new CycleFileSync(this.dir);
    finishInterruptedRewrite(this.dir);
    Files.createDirectories(this.dir);
    Files.deleteIfExists(sibling(hardStateFile, ".tmp"));
    this.hardState = readHardState(hardStateFile);
    SingleChronicleQueue q = build(this.dir, options);
    Scan scan;
    try {
      scan = scan(q);
    } catch (RuntimeException e) {
      q.close();
      throw e;
    }
    if (scan.damagedAt != -1) {
      q.close();
      LOG.warn("damaged raft log in {} at excerpt 0x{} ({}): keeping the {} entries before it and rewriting the queue",
          this.dir, Long.toHexString(scan.damagedAt), scan.damage, scan.entries.size());
      rewrite(this.dir, options, scan.entries);
      q = build(this.dir, options);
      scan = scan(q);
    }
    this.queue = q;
    this.appender = queue.createAppender();
    this.recovered = scan.entries;
    this.lastIndex = scan.entries.size();
    this.excerpts = scan.excerpts;
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
    return SingleChronicleQueueBuilder.binary(dir.toFile())
        .rollCycle(options.rollCycle())
        .timeoutMS(2_000)
        .build();
  }

  private static Path sibling(Path p, String suffix) {
    return p.resolveSibling(p.getFileName() + suffix);
  }

  // ------------------------------------------------------------------ load

  private record Scan(List<Entry> entries, long excerpts, long damagedAt, String damage) {
  }

  private Scan scan(SingleChronicleQueue q) {
    List<Entry> entries = new ArrayList<>();
    long count = 0;
    try (ExcerptTailer tailer = q.createTailer()) {
      tailer.toStart();
      while (true) {
        long at = tailer.index();
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent()) {
            return new Scan(entries, count, -1, null);
          }
          at = dc.index();
          Object decoded = decode(dc.wire().bytes());
          if (decoded instanceof String problem) {
            return new Scan(entries, count, at, problem);
          }
          Entry e = (Entry) decoded;
          if (e.index() < 1 || e.index() > entries.size() + 1) {
            return new Scan(entries, count, at, "entry " + e.index() + " after last index " + entries.size());
          }
          if (e.index() <= entries.size()) {
            entries.subList((int) e.index() - 1, entries.size()).clear();
          }
          entries.add(e);
          count++;
        } catch (RuntimeException ex) {
          return new Scan(entries, count, Math.max(at, 0), "unreadable excerpt: " + ex);
        }
      }
    }
  }

  /** The entry in an excerpt, or a String saying what is wrong with it. */
  private Object decode(Bytes<?> bytes) {
    long remaining = bytes.readRemaining();
    if (remaining < HEADER) {
      return "short excerpt of " + remaining + " bytes";
    }
    long index = bytes.readLong();
    long term = bytes.readLong();
    int expected = bytes.readInt();
    int len = bytes.readInt();
    if (len < 0 || len != bytes.readRemaining()) {
      return "length " + len + " does not match the " + bytes.readRemaining() + " bytes left";
    }
    byte[] data = new byte[len];
    bytes.read(data);
    if (checksum(index, term, data) != expected) {
      return "checksum mismatch";
    }
    return new Entry(index, term, data);
  }

  private int checksum(long index, long term, byte[] data) {
    header.clear();
    header.putLong(index).putLong(term).putInt(data.length).flip();
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
      Scan scan = scan(queue);
      if (scan.damagedAt != -1) {
        throw new IOException("raft log in " + dir + " damaged at excerpt 0x" + Long.toHexString(scan.damagedAt)
            + ": " + scan.damage);
      }
      entries = scan.entries;
    }
    HardState hs = pendingHardState != null ? pendingHardState : hardState;
    return new State(hs, List.copyOf(entries));
  }

  // ------------------------------------------------------------------ save

  @Override
  public void save(HardState hs, List<Entry> entries) {
    if (entries == null) {
      entries = List.of();
    }
    if (!entries.isEmpty()) {
      long first = entries.get(0).index();
      if (first < 1 || first > lastIndex + 1) {
        throw new IllegalArgumentException("entries from " + first + " would leave a gap after " + lastIndex);
      }
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).index() != first + i) {
          throw new IllegalArgumentException("entries are not consecutive at " + entries.get(i).index());
        }
      }
      recovered = null;
      for (Entry e : entries) {
        write(e);
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

  private void write(Entry e) {
    writeExcerpt(appender, e);
    excerpts++;
    cycleFiles.touched(appender.currentFile());
  }

  /** One excerpt: index, term, crc32c over (index, term, length, payload), length, payload. */
  private void writeExcerpt(ExcerptAppender appender, Entry e) {
    byte[] data = e.data() == null ? new byte[0] : e.data();
    int sum = checksum(e.index(), e.term(), data);
    try (DocumentContext dc = appender.writingDocument()) {
      Bytes<?> bytes = dc.wire().bytes();
      bytes.writeLong(e.index());
      bytes.writeLong(e.term());
      bytes.writeInt(sum);
      bytes.writeInt(data.length);
      bytes.write(data);
    }
  }

  @Override
  public void sync() {
    cycleFiles.sync();
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

  /** No-op for now (see the class comment): every entry is kept. */
  @Override
  public void compactTo(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("index " + index);
    }
  }

  @Override
  public void close() {
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
        writeExcerpt(a, e);
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
