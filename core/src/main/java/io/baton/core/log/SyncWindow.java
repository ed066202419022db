package io.baton.core.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Forces byte ranges of one file to disk with {@code msync(MS_SYNC)} through a mapping of its own
 * (a window of {@link #SPAN} bytes, moved along the file as the ranges advance). On Linux that is
 * {@code fdatasync} limited to the range: the range's pages, and whatever metadata reading them back
 * needs (block allocation, file size), are on disk when it returns; other dirty pages of the file
 * are left to the kernel. Not thread-safe: one syncing thread at a time.
 */
final class SyncWindow implements AutoCloseable {
  /** Bytes mapped at a time, aligned to this size. */
  static final long SPAN = 16L << 20;
  private static final sun.misc.Unsafe UNSAFE = unsafe();

  private final FileChannel channel;
  private MappedByteBuffer window;
  private long start = -1;

  /** {@code channel} must be open for reading and writing. */
  SyncWindow(FileChannel channel) {
    this.channel = channel;
  }

  /** Forces bytes {@code [from, to)} of the file to disk. */
  void force(long from, long to) throws IOException {
    long at = from;
    while (at < to) {
      long base = at / SPAN * SPAN;
      long end = Math.min(to, base + SPAN);
      if (window == null || start != base || start + window.capacity() < end) {
        map(base);
        if (start + window.capacity() < end) {
          throw new IOException("cannot sync bytes up to " + end + ": the file ends at " + channel.size());
        }
      }
      try {
        window.force((int) (at - base), (int) (end - at));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      at = end;
    }
  }

  private void map(long base) throws IOException {
    unmap();
    // within the file's current size: a READ_WRITE mapping past the end would grow the file
    long size = Math.min(SPAN, channel.size() - base);
    window = channel.map(FileChannel.MapMode.READ_WRITE, base, size);
    start = base;
  }

  private void unmap() {
    if (window != null) {
      UNSAFE.invokeCleaner(window);
      window = null;
      start = -1;
    }
  }

  @Override
  public void close() {
    unmap();
  }

  private static sun.misc.Unsafe unsafe() {
    try {
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (sun.misc.Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
