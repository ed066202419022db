package io.baton.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.SetDataTxn;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zeros written ahead of the appender never touch an excerpt or Chronicle's indexes. */
class ZeroAheadTest {
  @TempDir
  Path dir;

  @Test
  void entriesOfEverySizeReadBackAfterZerosWereWrittenAhead() throws Exception {
    Random random = new Random(11);
    List<byte[]> written = new ArrayList<>();
    List<Long> indexes = new ArrayList<>();
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
      for (int i = 1; i <= 6_000; i++) {
        int size = i % 1_000 == 0 ? ZeroFiller.CHUNK + random.nextInt(100_000)
            : i % 97 == 0 ? random.nextInt(200_000) : random.nextInt(5_000);
        byte[] data = new byte[size];
        random.nextBytes(data);
        written.add(data);
        indexes.add(log.append(new LogEntry((long) i, 0L, new SetDataTxn("/n" + i, ByteBuffer.wrap(data), i))));
        if (i % 500 == 0) {
          log.sync();
        }
      }
      log.sync();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(log.zeros().zeroedTo()).as("zeros written ahead").isGreaterThan(ZeroFiller.AHEAD));
    }
    try (Stream<Path> files = Files.list(dir.resolve("log"))) {
      assertThat(files.filter(f -> f.toString().endsWith(".cq4")).count()).isEqualTo(1);
    }
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults());
         LogReader reader = log.readerAfter(0)) {
      assertThat(log.lastZxid()).isEqualTo(6_000);
      for (int i = 1; i <= 6_000; i++) {
        LogEntry e = reader.next();
        assertThat(e).as("entry %d", i).isNotNull();
        assertThat(e.getZxid()).isEqualTo(i);
        SetDataTxn txn = (SetDataTxn) e.getTxn();
        byte[] data = new byte[txn.getData().remaining()];
        txn.getData().get(data);
        assertThat(data).as("entry %d", i).isEqualTo(written.get(i - 1));
      }
      assertThat(reader.next()).isNull();
      // Chronicle's index arrays (moveToIndex) are intact too
      for (int k = 0; k < 300; k++) {
        int i = 1 + random.nextInt(6_000);
        try (LogReader at = log.readerAt(indexes.get(i - 1))) {
          assertThat(at.next().getZxid()).isEqualTo(i);
        }
      }
      // appending after a restart continues behind the same zeros
      log.append(new LogEntry(6_001L, 0L, new SetDataTxn("/last", ByteBuffer.wrap(new byte[] {7}), 1)));
      log.sync();
    }
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
      assertThat(log.lastZxid()).isEqualTo(6_001);
    }
  }
}
