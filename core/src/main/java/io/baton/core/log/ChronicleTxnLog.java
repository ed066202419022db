package io.baton.core.log;

import io.baton.schemas.log.LogEntry;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction log on a Chronicle Queue. Each excerpt is {@code long zxid, int crc32c, int length,
 * Avro single-object payload}. Appending happens on the owner thread (a write into a memory-mapped
 * file); {@link #sync()} forces appended excerpts to disk and may run on any thread, so callers run
 * it off the event loop. Old cycles are deleted by {@link #purge(long)}; the zxid up to which entries
 * are gone (the horizon) is kept beside the queue.
 */
public final class ChronicleTxnLog implements AutoCloseable {
  static {
    if (System.getProperty("chronicle.analytics.disable") == null) {
      System.setProperty("chronicle.analytics.disable", "true");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ChronicleTxnLog.class);
  /** zxid, checksum and length ahead of each payload. */
  private static final int HEADER_BYTES = 16;

  private final Path dir;
  private final LogOptions options;
  private final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final LogCodec codec = new LogCodec();
  private final CRC32C crc = new CRC32C();
  private final Path horizonFile;
  private final CycleFileSync cycleFiles;
  private final ZeroFiller zeros;
  private volatile long lastZxid;
  private volatile long horizon;

  private ChronicleTxnLog(Path dir, LogOptions options) throws IOException {
    this.dir = dir;
    this.options = options;
    Files.createDirectories(dir);
    this.horizonFile = dir.resolveSibling(dir.getFileName() + ".horizon");
    this.horizon = Files.exists(horizonFile)
        ? Long.parseLong(Files.readString(horizonFile, StandardCharsets.US_ASCII).trim()) : 0;
    this.queue = build(dir, options, options.timeProvider());
    this.cycleFiles = new CycleFileSync(dir);
    this.appender = queue.createAppender();
    this.lastZxid = findLastZxid();
    this.zeros = new ZeroFiller(dir.getFileName().toString());
  }

  /** Opens (or creates) the log in {@code dir}. */
  public static ChronicleTxnLog open(Path dir, LogOptions options) throws IOException {
    return new ChronicleTxnLog(dir, options);
  }

  static SingleChronicleQueue build(Path dir, LogOptions options, net.openhft.chronicle.core.time.TimeProvider time) {
    SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(dir.toFile())
        .rollCycle(options.rollCycle())
        .timeoutMS(2_000);
    if (time != null) {
      b.timeProvider(time);
    }
    return b.build();
  }

  public Path dir() {
    return dir;
  }

  /** The fsync bookkeeping of the cycle files (tests). */
  public CycleFileSync cycleFiles() {
    return cycleFiles;
  }

  /** The zeros written ahead of the appender (tests). */
  ZeroFiller zeros() {
    return zeros;
  }

  /** zxid of the last entry in the log, 0 if empty. */
  public long lastZxid() {
    return lastZxid;
  }

  /** Entries with zxid up to this one may have been purged; readers can resume from it or later. */
  public long horizon() {
    return horizon;
  }

  /** Appends an entry (owner thread). Durable only after a later {@link #sync()} returns. */
  public long append(LogEntry entry) {
    return append(entry, codec.encode(entry));
  }

  /**
   * Appends an entry whose single-object Avro encoding {@code payload} is at hand (owner thread).
   * An entry larger than an excerpt can hold is refused with {@link EntryTooLargeException} before
   * anything is written; on any failure the excerpt is rolled back, so no partial record stays.
   */
  public long append(LogEntry entry, byte[] payload) {
    crc.reset();
    crc.update(payload);
    long index;
    long end;
    try (DocumentContext dc = appender.writingDocument()) {
      try {
        Bytes<?> bytes = dc.wire().bytes();
        if (bytes.writeRemaining() < HEADER_BYTES + payload.length) {
          throw new EntryTooLargeException(entry.getZxid(), payload.length, bytes.writeRemaining() - HEADER_BYTES);
        }
        zeros.claim(appender.currentFile(), bytes.writePosition() + HEADER_BYTES + payload.length);
        bytes.writeLong(entry.getZxid());
        bytes.writeInt((int) crc.getValue());
        bytes.writeInt(payload.length);
        bytes.write(payload);
        end = bytes.writePosition();
      } catch (RuntimeException | Error e) {
        dc.rollbackOnClose();
        throw e;
      }
    }
    index = appender.lastIndexAppended();
    cycleFiles.touched(appender.currentFile(), end);
    lastZxid = entry.getZxid();
    return index;
  }

  /**
   * Forces everything appended before the call to disk (fsync of the touched cycle files and of the
   * directory when a file is new). Blocking; safe to call from a worker thread while the owner appends.
   */
  public void sync() {
    cycleFiles.sync();
  }

  /** A reader positioned before the first entry with zxid greater than {@code afterZxid}. */
  public LogReader readerAfter(long afterZxid) {
    ExcerptTailer tailer = queue.createTailer();
    LogReader reader = new LogReader(tailer);
    List<Integer> cycles = cycles();
    Integer start = null;
    for (int i = cycles.size() - 1; i >= 0; i--) {
      int cycle = cycles.get(i);
      if (tailer.moveToIndex(queue.rollCycle().toIndex(cycle, 0))) {
        long first = reader.skipNext();
        if (first != -1 && first <= afterZxid) {
          start = cycle;
          break;
        }
      }
    }
    if (start == null) {
      tailer.toStart();
      return reader;
    }
    tailer.moveToIndex(queue.rollCycle().toIndex(start, 0));
    while (true) {
      long before = tailer.index();
      long zxid = reader.skipNext();
      if (zxid == -1) {
        break;
      }
      if (zxid > afterZxid) {
        tailer.moveToIndex(reader.lastIndex());
        break;
      }
      if (tailer.index() == before) {
        break;
      }
    }
    return reader;
  }

  /** A reader positioned at (before) the entry with Chronicle index {@code index}. */
  public LogReader readerAt(long index) {
    ExcerptTailer tailer = queue.createTailer();
    if (!tailer.moveToIndex(index)) {
      tailer.toEnd();
    }
    return new LogReader(tailer);
  }

  /**
   * Deletes whole cycle files whose entries all have zxid at most {@code upToZxid}, never the last
   * cycle. Returns the number of files deleted.
   */
  public int purge(long upToZxid) throws IOException {
    List<Integer> cycles = cycles();
    int deleted = 0;
    long newHorizon = horizon;
    for (int i = 0; i + 1 < cycles.size(); i++) {
      long nextFirst = firstZxidOf(cycles.get(i + 1));
      if (nextFirst == -1 || nextFirst > upToZxid + 1) {
        break;
      }
      int cycle = cycles.get(i);
      File file;
      long last = -1;
      try (ExcerptTailer tailer = queue.createTailer()) {
        if (!tailer.moveToIndex(queue.rollCycle().toIndex(cycle, 0))) {
          continue;
        }
        LogReader reader = new LogReader(tailer);
        file = tailer.currentFile();
        while (reader.skipNext() != -1 && tailer.cycle() == cycle) {
          last = reader.lastZxid();
        }
        if (last == -1) {
          last = reader.lastZxid();
        }
      }
      if (file == null) {
        continue;
      }
      newHorizon = Math.max(newHorizon, last);
      writeHorizon(newHorizon);
      cycleFiles.forget(file);
      Files.deleteIfExists(file.toPath());
      deleted++;
      LOG.info("purged log cycle {} ({}), entries up to zxid 0x{}", cycle, file.getName(), Long.toHexString(last));
    }
    if (deleted > 0) {
      queue.refreshDirectoryListing();
    }
    return deleted;
  }

  /**
   * Entries up to {@code zxid} will never be in this log (the state jumped past them: a snapshot
   * was installed); readers asking for them get Compacted. Durable on return.
   */
  public void skipTo(long zxid) throws IOException {
    if (zxid > horizon) {
      writeHorizon(zxid);
    }
  }

  /** zxid of the first entry still in the log, or -1 if empty. */
  public long firstZxid() {
    try (LogReader r = new LogReader(queue.createTailer())) {
      r.tailer().toStart();
      return r.skipNext();
    }
  }

  private long firstZxidOf(int cycle) {
    try (LogReader r = new LogReader(queue.createTailer())) {
      if (!r.tailer().moveToIndex(queue.rollCycle().toIndex(cycle, 0))) {
        return -1;
      }
      return r.skipNext();
    }
  }

  private void writeHorizon(long value) throws IOException {
    DurableFiles.writeAtomically(horizonFile,
        java.nio.ByteBuffer.wrap(Long.toString(value).getBytes(StandardCharsets.US_ASCII)));
    horizon = value;
  }

  List<Integer> cycles() {
    List<Integer> out = new ArrayList<>();
    int first = queue.firstCycle();
    int last = queue.lastCycle();
    if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || first > last) {
      return out;
    }
    int c = first;
    try {
      while (c != -1 && c <= last) {
        out.add(c);
        int next = queue.nextCycle(c, TailerDirection.FORWARD);
        if (next <= c) {
          break;
        }
        c = next;
      }
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private long findLastZxid() {
    long last = 0;
    try (LogReader r = new LogReader(queue.createTailer())) {
      ExcerptTailer t = r.tailer();
      t.direction(TailerDirection.BACKWARD).toEnd();
      long z = r.skipNext();
      if (z > 0) {
        last = z;
      }
    }
    return last;
  }

  LogOptions options() {
    return options;
  }

  SingleChronicleQueue queue() {
    return queue;
  }

  @Override
  public void close() {
    zeros.close();
    cycleFiles.close();
    appender.close();
    queue.close();
  }
}
