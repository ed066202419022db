package io.baton.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The disk's floor for a durable append: one writer appending {@code entryBytes} with pwrite and
 * fdatasync ({@code FileChannel.force(false)}) into a preallocated file, in the directory the servers
 * write to. No server can acknowledge a durable single write faster than this on the same disk.
 */
record DiskFloor(int entryBytes, int samples, double meanUs, double p50Us, double p99Us) {
  private static final long PREALLOCATED = 64L << 20;

  static DiskFloor measure(Path dir, int entryBytes, int samples) throws IOException {
    Path file = Files.createTempFile(dir, "disk-floor", ".bin");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
      for (long at = 0; at < PREALLOCATED; at += zeros.capacity()) {
        zeros.clear();
        ch.write(zeros, at);
      }
      ch.force(true);
      ByteBuffer entry = ByteBuffer.allocate(entryBytes);
      int warmup = Math.max(100, samples / 10);
      long[] nanos = new long[samples];
      for (int i = 0; i < warmup + samples; i++) {
        entry.clear();
        long start = System.nanoTime();
        ch.write(entry, ((long) i * entryBytes) % (PREALLOCATED - entryBytes));
        ch.force(false);
        if (i >= warmup) {
          nanos[i - warmup] = System.nanoTime() - start;
        }
      }
      Arrays.sort(nanos);
      return new DiskFloor(entryBytes, samples, Arrays.stream(nanos).average().orElse(0) / 1e3,
          nanos[samples / 2] / 1e3, nanos[(int) (samples * 0.99)] / 1e3);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  String describe() {
    return String.format(Locale.ROOT, "append of %d B + fdatasync into a preallocated file, one writer, %,d samples: "
        + "mean %.0f µs, p50 %.0f µs, p99 %.0f µs", entryBytes, samples, meanUs, p50Us, p99Us);
  }
}
