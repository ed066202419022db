package io.baton.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero writer and the appender, on their own threads, never write the same bytes. */
class ZeroFillerTest {
  @TempDir
  Path dir;

  @Test
  void zerosNeverLandOnWhatTheAppenderWrote() throws Exception {
    File file = dir.resolve("cycle.cq4").toFile();
    Random random = new Random(5);
    byte[] ones = new byte[3 * ZeroFiller.CHUNK];
    Arrays.fill(ones, (byte) 0x5a);
    long end = 0;
    try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
         ZeroFiller zeros = new ZeroFiller("test")) {
      for (int i = 0; i < 500; i++) {
        // mostly small appends; now and then one that jumps past the margin, into zeros being written
        int length = i % 4 == 0 ? ZeroFiller.CHUNK / 2 + random.nextInt(5 * ZeroFiller.CHUNK / 2) : 1 + random.nextInt(8_192);
        zeros.claim(file, end + length);
        ByteBuffer data = ByteBuffer.wrap(ones, 0, length);
        while (data.hasRemaining()) {
          channel.write(data, end + data.position());
        }
        end += length;
      }
      long last = end;
      await().atMost(Duration.ofSeconds(10)).until(() -> zeros.zeroedTo() >= last + ZeroFiller.AHEAD - ZeroFiller.CHUNK);
    }
    try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
      assertThat(channel.size()).as("zeros written ahead").isGreaterThanOrEqualTo(end + ZeroFiller.AHEAD - ZeroFiller.CHUNK);
      ByteBuffer read = ByteBuffer.allocate(1 << 20);
      for (long at = 0; at < end; at += read.position()) {
        read.clear().limit((int) Math.min(read.capacity(), end - at));
        channel.read(read, at);
        for (int k = 0; k < read.position(); k++) {
          assertThat(read.get(k)).as("byte %d", at + k).isEqualTo((byte) 0x5a);
        }
      }
    }
  }

  /**
   * The filler chose where to write from a claim that is then overtaken, before it said where it writes: it
   * must see the newer claim and not write there.
   */
  @Test
  void aClaimMadeWhileTheFillerChoosesWhereToWriteKeepsItsBytes() throws Exception {
    File file = dir.resolve("cycle.cq4").toFile();
    CountDownLatch chosen = new CountDownLatch(1);
    CountDownLatch claimed = new CountDownLatch(1);
    byte[] ones = new byte[3 * ZeroFiller.CHUNK];
    Arrays.fill(ones, (byte) 0x5a);
    try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
         ZeroFiller zeros = new ZeroFiller("test")) {
      zeros.beforePublishing(() -> {
        chosen.countDown();
        try {
          claimed.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      zeros.claim(file, 100);
      assertThat(chosen.await(10, TimeUnit.SECONDS)).isTrue();
      // the filler chose 100 + 2 MiB; this append runs past it before the filler says so
      zeros.claim(file, ones.length);
      channel.write(ByteBuffer.wrap(ones), 0);
      zeros.beforePublishing(() -> { });
      claimed.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> zeros.zeroedTo() >= ones.length + ZeroFiller.MARGIN);
    }
    try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
      ByteBuffer read = ByteBuffer.allocate(ones.length);
      channel.read(read, 0);
      assertThat(read.array()).isEqualTo(ones);
    }
  }
}
