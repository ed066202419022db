package io.baton.core.log;

import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads log entries in order from a position. One thread at a time; close it on the thread that
 * used it.
 */
public final class LogReader implements AutoCloseable {
  private final ExcerptTailer tailer;
  private final LogCodec codec = new LogCodec();
  private final CRC32C crc = new CRC32C();
  private long lastIndex = -1;
  private long lastZxid = -1;

  LogReader(ExcerptTailer tailer) {
    this.tailer = tailer;
  }

  /** The next entry, or null at the end of the log. */
  public LogEntry next() throws IOException {
    byte[] payload;
    long zxid;
    long index;
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return null;
      }
      index = dc.index();
      Bytes<?> bytes = dc.wire().bytes();
      if (bytes.readRemaining() < 16) {
        throw new CorruptLogException(index, "short excerpt of " + bytes.readRemaining() + " bytes");
      }
      zxid = bytes.readLong();
      int expectedCrc = bytes.readInt();
      int len = bytes.readInt();
      if (len < 0 || len > bytes.readRemaining()) {
        throw new CorruptLogException(index, "length " + len + " exceeds excerpt");
      }
      payload = new byte[len];
      bytes.read(payload);
      crc.reset();
      crc.update(payload);
      if ((int) crc.getValue() != expectedCrc) {
        throw new CorruptLogException(index, "checksum mismatch");
      }
    }
    LogEntry entry;
    try {
      entry = codec.decode(payload);
    } catch (IOException e) {
      throw new CorruptLogException(index, e.getMessage());
    }
    if (entry.getZxid() != zxid) {
      throw new CorruptLogException(index, "zxid header " + zxid + " != body " + entry.getZxid());
    }
    lastIndex = index;
    lastZxid = zxid;
    return entry;
  }

  /** Reads only the zxid of the next excerpt (no checksum, no decoding); -1 at the end. */
  long skipNext() {
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return -1;
      }
      lastIndex = dc.index();
      Bytes<?> bytes = dc.wire().bytes();
      lastZxid = bytes.readRemaining() >= 8 ? bytes.readLong() : -1;
      return lastZxid;
    }
  }

  /** Chronicle index of the entry last returned. */
  public long lastIndex() {
    return lastIndex;
  }

  /** zxid of the entry last returned, -1 before the first. */
  public long lastZxid() {
    return lastZxid;
  }

  /** The cycle file the reader is in, or null. */
  public java.io.File currentFile() {
    return tailer.currentFile();
  }

  ExcerptTailer tailer() {
    return tailer;
  }

  @Override
  public void close() {
    tailer.close();
  }
}
