package io.baton.bench;

import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.SetDataTxn;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where a synced append to Baton's log goes, one writer, one entry per fsync: the time of the append
 * and of the fsync of the Chronicle cycle file, beside the disk's floor (pwrite + fdatasync into a
 * preallocated file), with the block device's write requests and sectors per fsync read from
 * {@code /sys/block/<dev>/stat} (a busy machine adds other processes' writes to them).
 *
 * <p>{@code mvn -pl bench exec:exec -Dbench.main=io.baton.bench.LogProbe "-Dbench.args=[--entries N]
 * [--bytes B] [--dir DIR] [--device vda]"}
 */
public final class LogProbe {
  private LogProbe() {
  }

  public static void main(String[] rawArgs) throws Exception {
    String[] args = BenchArgs.split(rawArgs);
    int entries = 20_000;
    int bytes = 100;
    Path dir = Path.of("target");
    String device = "vda";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--entries" -> entries = Integer.parseInt(args[++i]);
        case "--bytes" -> bytes = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--device" -> device = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(dir);
    DiskStat disk = new DiskStat(Path.of("/sys/block", device, "stat"));
    DiskStat.Delta floorIo = disk.start();
    DiskFloor floor = DiskFloor.measure(dir, bytes + 60, Math.min(entries, 5_000));
    String floorWrites = floorIo.end(floor.samples() + Math.max(100, floor.samples() / 10));
    System.out.println("floor: " + floor.describe() + "; " + floorWrites);
    Path logDir = Files.createTempDirectory(dir, "log-probe");
    try (ChronicleTxnLog log = ChronicleTxnLog.open(logDir, LogOptions.defaults())) {
      byte[] data = new byte[bytes];
      int slice = Math.max(1, entries / 5);
      long[] append = new long[slice];
      long[] sync = new long[slice];
      for (int from = 0; from < entries; from += slice) {
        DiskStat.Delta io = disk.start();
        for (int i = 0; i < slice; i++) {
          long zxid = from + i + 1L;
          LogEntry entry = new LogEntry(zxid, 0L, new SetDataTxn("/probe/n" + (zxid % 1000), ByteBuffer.wrap(data), 1));
          long t0 = System.nanoTime();
          log.append(entry);
          long t1 = System.nanoTime();
          log.sync();
          long t2 = System.nanoTime();
          append[i] = t1 - t0;
          sync[i] = t2 - t1;
        }
        System.out.printf(Locale.ROOT, "entries %,d-%,d: append %s; fsync %s; %s%n", from + 1, from + slice,
            percentiles(append), percentiles(sync), io.end(slice));
      }
    } finally {
      try (Stream<Path> files = Files.walk(logDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String percentiles(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return String.format(Locale.ROOT, "mean %.0f µs, p50 %.0f, p99 %.0f, p99.9 %.0f",
        Arrays.stream(sorted).average().orElse(0) / 1e3, sorted[sorted.length / 2] / 1e3,
        sorted[(int) (sorted.length * 0.99)] / 1e3, sorted[(int) (sorted.length * 0.999)] / 1e3);
  }

  /** Write requests and sectors completed by a block device, from its {@code stat} file. */
  private record DiskStat(Path file) {
    Delta start() throws IOException {
      long[] now = read();
      return new Delta(this, now[0], now[1]);
    }

    long[] read() throws IOException {
      if (!Files.exists(file)) {
        return new long[] {0, 0};
      }
      String[] f = Files.readString(file).trim().split("\\s+");
      return new long[] {Long.parseLong(f[4]), Long.parseLong(f[6])};
    }

    record Delta(DiskStat stat, long writes, long sectors) {
      String end(int fsyncs) throws IOException {
        long[] now = stat.read();
        return String.format(Locale.ROOT, "per fsync %.2f write requests, %.1f KiB",
            (now[0] - writes) / (double) fsyncs, (now[1] - sectors) * 512 / 1024.0 / fsyncs);
      }
    }
  }
}
