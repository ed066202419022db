package io.baton.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.SetDataTxn;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a power loss may leave of a log: of its cycle file, only the bytes each sync forced are
 * certain to be on disk. The image built here keeps the file as it was at its first sync (a full
 * fdatasync) and adds, for every later sync, exactly the bytes that sync forced, as they were then;
 * Chronicle's header (write position) and its index pages stay as old as the first sync. Every
 * synced entry must read back, by position and by Chronicle index, and appending must continue.
 */
class CrashImageTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}, {1} entries")
  @CsvSource({"TEST4_DAILY, 3000, 3000", "FAST_HOURLY, 70000, 300"})
  void everySyncedEntryOfTheImageReadsBackAndAppendingContinues(String roll, int entries, int maxBytes)
      throws Exception {
    LogOptions options = new LogOptions(LogOptions.rollCycle(roll), null);
    Random random = new Random(entries);
    Path live = dir.resolve("live");
    Path image = dir.resolve("image");
    List<byte[]> written = new ArrayList<>();
    List<Long> indexes = new ArrayList<>();
    File cycleFile;
    Path imageFile;
    try (ChronicleTxnLog log = ChronicleTxnLog.open(live, options)) {
      indexes.add(log.append(entry(1, data(random, maxBytes, written))));
      log.sync();
      cycleFile = onlyCycleFile(live);
      copyTree(live, image);
      imageFile = image.resolve(cycleFile.getName());
      long synced = log.cycleFiles().syncedTo(cycleFile);
      assertThat(synced).isPositive();
      try (FileChannel from = FileChannel.open(cycleFile.toPath(), StandardOpenOption.READ);
           FileChannel to = FileChannel.open(imageFile, StandardOpenOption.WRITE)) {
        int nextSync = 1 + random.nextInt(entries < 10_000 ? 8 : 200);
        for (int i = 2; i <= entries; i++) {
          indexes.add(log.append(entry(i, data(random, maxBytes, written))));
          if (i == nextSync || i == entries) {
            log.sync();
            long end = log.cycleFiles().syncedTo(cycleFile);
            copy(from, to, synced, end);
            synced = end;
            nextSync = i + 1 + random.nextInt(entries < 10_000 ? 8 : 200);
          }
        }
      }
    }
    try (Stream<Path> files = Files.list(live)) {
      assertThat(files.filter(f -> f.toString().endsWith(".cq4")).count()).as("one cycle file").isEqualTo(1);
    }
    try (ChronicleTxnLog log = ChronicleTxnLog.open(image, options)) {
      assertThat(log.lastZxid()).isEqualTo(entries);
      try (LogReader reader = log.readerAfter(0)) {
        for (int i = 1; i <= entries; i++) {
          assertEntry(reader.next(), i, written);
        }
        assertThat(reader.next()).isNull();
      }
      for (int k = 0; k < 300; k++) {
        int i = 1 + random.nextInt(entries);
        try (LogReader at = log.readerAt(indexes.get(i - 1))) {
          assertEntry(at.next(), i, written);
        }
        try (LogReader after = log.readerAfter(i - 1)) {
          assertEntry(after.next(), i, written);
        }
      }
      for (int i = entries + 1; i <= entries + 50; i++) {
        long index = log.append(entry(i, data(random, maxBytes, written)));
        assertThat(index).as("index of entry %d after the crash", i).isEqualTo(indexes.get(i - 2) + 1);
        indexes.add(index);
        log.sync();
      }
    }
    try (ChronicleTxnLog log = ChronicleTxnLog.open(image, options); LogReader reader = log.readerAfter(0)) {
      assertThat(log.lastZxid()).isEqualTo(entries + 50);
      for (int i = 1; i <= entries + 50; i++) {
        assertEntry(reader.next(), i, written);
      }
      assertThat(reader.next()).isNull();
    }
  }

  private static LogEntry entry(long zxid, byte[] data) {
    return new LogEntry(zxid, 0L, new SetDataTxn("/n" + zxid, ByteBuffer.wrap(data), (int) zxid));
  }

  private static byte[] data(Random random, int maxBytes, List<byte[]> written) {
    byte[] data = new byte[1 + random.nextInt(maxBytes)];
    random.nextBytes(data);
    written.add(data);
    return data;
  }

  private static void assertEntry(LogEntry e, int i, List<byte[]> written) {
    assertThat(e).as("entry %d", i).isNotNull();
    assertThat(e.getZxid()).isEqualTo(i);
    SetDataTxn txn = (SetDataTxn) e.getTxn();
    byte[] data = new byte[txn.getData().remaining()];
    txn.getData().get(data);
    assertThat(data).as("data of entry %d", i).isEqualTo(written.get(i - 1));
  }

  private static void copy(FileChannel from, FileChannel to, long start, long end) throws Exception {
    ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
    while (buf.hasRemaining() && from.read(buf, start + buf.position()) >= 0) {
      // read the whole range
    }
    buf.flip();
    while (buf.hasRemaining()) {
      to.write(buf, start + buf.position());
    }
  }

  private static File onlyCycleFile(Path queue) throws Exception {
    try (Stream<Path> files = Files.list(queue)) {
      return files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow().toFile();
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
