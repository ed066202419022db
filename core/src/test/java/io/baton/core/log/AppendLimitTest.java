package io.baton.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.LogEntry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An entry too large for an excerpt is refused before it is written and leaves no broken record behind. */
class AppendLimitTest {
  @TempDir
  Path dir;

  private static LogEntry create(long zxid, String path, int dataBytes) {
    return new LogEntry(zxid, 1L, new CreateTxn(path, ByteBuffer.wrap(new byte[dataBytes]), 0L, 1, java.util.List.of()));
  }

  @Test
  void oversizeAppendIsRefusedAndTheLogStaysReadable() throws Exception {
    Path logDir = dir.resolve("log");
    try (ChronicleTxnLog log = ChronicleTxnLog.open(logDir, LogOptions.defaults())) {
      log.append(create(1, "/a", 10));
      assertThatThrownBy(() -> log.append(create(2, "/big", 17 << 20)))
          .isInstanceOf(EntryTooLargeException.class)
          .hasMessageContaining("does not fit in a log excerpt");
      assertThat(log.lastZxid()).isEqualTo(1);
      log.append(create(2, "/b", 10));
      log.append(create(3, "/c", 1 << 20));
      log.sync();
    }
    try (ChronicleTxnLog log = ChronicleTxnLog.open(logDir, LogOptions.defaults());
         LogReader reader = log.readerAfter(0)) {
      List<String> paths = new ArrayList<>();
      LogEntry e;
      while ((e = reader.next()) != null) {
        paths.add(((CreateTxn) e.getTxn()).getPath());
      }
      assertThat(paths).containsExactly("/a", "/b", "/c");
      assertThat(log.lastZxid()).isEqualTo(3);
    }
  }
}
