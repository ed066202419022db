package io.baton.core.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a torn or corrupt tail off a log. Chronicle Queue cannot truncate in place, so the excerpts
 * before the damaged one are copied, cycle by cycle, into a fresh queue that replaces the old one;
 * the damaged queue is kept aside as {@code <dir>.corrupt-<millis>} for inspection.
 */
public final class LogRepair {
  private static final Logger LOG = LoggerFactory.getLogger(LogRepair.class);

  private LogRepair() {
  }

  /** Rewrites the closed log in {@code dir} keeping only excerpts before {@code badIndex}. */
  public static long cut(Path dir, LogOptions options, long badIndex) throws IOException {
    return cut(dir, options, badIndex, "corrupt");
  }

  /**
   * Cuts the closed log in {@code dir} before its first entry with a zxid at or above {@code zxid}
   * (the recovery of a node that refuses to start on an entry it cannot apply). That entry and every
   * later one are dropped; the whole queue as it was is kept beside it as {@code <dir>.truncated-<millis>}.
   * Returns the number of entries kept.
   */
  public static long truncateBefore(Path dir, LogOptions options, long zxid) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("no log in " + dir);
    }
    long index = -1;
    try (SingleChronicleQueue queue = ChronicleTxnLog.build(dir, options, null);
         LogReader reader = new LogReader(queue.createTailer())) {
      reader.tailer().toStart();
      long z;
      while ((z = reader.skipNext()) != -1) {
        if (z >= zxid) {
          index = reader.lastIndex();
          break;
        }
      }
    }
    if (index == -1) {
      throw new IOException("the log in " + dir + " has no entry at or after zxid 0x" + Long.toHexString(zxid));
    }
    return cut(dir, options, index, "truncated");
  }

  private static long cut(Path dir, LogOptions options, long badIndex, String asideSuffix) throws IOException {
    Path repaired = dir.resolveSibling(dir.getFileName() + ".repair");
    DurableFiles.deleteTree(repaired);
    RollCycle roll = options.rollCycle();
    SetTimeProvider time = new SetTimeProvider(0);
    long copied = 0;
    try (SingleChronicleQueue src = ChronicleTxnLog.build(dir, options, null);
         SingleChronicleQueue dst = ChronicleTxnLog.build(repaired, options, time);
         ExcerptTailer tailer = src.createTailer();
         ExcerptAppender appender = dst.createAppender()) {
      tailer.toStart();
      while (true) {
        try (DocumentContext dc = tailer.readingDocument()) {
          if (!dc.isPresent() || dc.index() >= badIndex) {
            break;
          }
          int cycle = roll.toCycle(dc.index());
          long cycleStart = (long) cycle * roll.lengthInMillis();
          if (time.currentTimeMillis() != cycleStart) {
            time.currentTimeMillis(cycleStart);
          }
          Bytes<?> bytes = dc.wire().bytes();
          try (DocumentContext out = appender.writingDocument()) {
            out.wire().bytes().write(bytes);
          }
          copied++;
        }
      }
    }
    DurableFiles.fsyncTree(repaired);
    Path aside = dir.resolveSibling(dir.getFileName() + "." + asideSuffix + "-" + System.currentTimeMillis());
    Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
    Files.move(repaired, dir, StandardCopyOption.ATOMIC_MOVE);
    DurableFiles.fsyncDirectory(dir.getParent());
    LOG.warn("cut the log in {} at index 0x{}: kept {} entries, the queue as it was moved to {}", dir,
        Long.toHexString(badIndex), copied, aside.getFileName());
    return copied;
  }
}
