package io.baton.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming writer on a real pool of worker threads: chunks land in order however the pool
 * runs its tasks, the file is only in place once complete, and an abandoned or failed write leaves
 * no file behind.
 */
class ImageWriterTest {
  @TempDir
  Path dir;

  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void chunksHandedOverFromOneThreadLandInOrderWithTheirChecksum() throws Exception {
    Random random = new Random(3);
    Path target = dir.resolve("snapshot.1");
    ImageWriter writer = new ImageWriter(target, pool);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 300; i++) {
      while (writer.backlogged()) { // as a capture pauses
        Thread.onSpinWait();
      }
      byte[] chunk = writer.buffer();
      assertThat(chunk).hasSize(ImageSink.CHUNK);
      int length = random.nextInt(ImageSink.CHUNK + 1);
      random.nextBytes(chunk);
      expected.write(chunk, 0, length);
      writer.accept(chunk, length); // the buffer is the writer's now, and may come back refilled
    }
    CompletableFuture<IOException> done = new CompletableFuture<>();
    writer.finish((file, failure) -> done.complete(failure));
    assertThat(done.get(30, TimeUnit.SECONDS)).isNull();

    byte[] file = Files.readAllBytes(target);
    byte[] image = expected.toByteArray();
    assertThat(Arrays.copyOf(file, image.length)).isEqualTo(image);
    CRC32C crc = new CRC32C();
    crc.update(image);
    assertThat(ByteBuffer.wrap(file, image.length, 8).getLong()).isEqualTo(crc.getValue());
    assertThat(file).hasSize(image.length + 8);
    assertThat(dir.resolve("snapshot.1.tmp")).doesNotExist();
  }

  @Test
  void aHandOverTheWorkersRefusedIsMadeAgainWithTheNextChunk() throws Exception {
    Path target = dir.resolve("snapshot.4");
    int[] offers = {0};
    ImageWriter writer = new ImageWriter(target, task -> {
      if (offers[0]++ == 0) {
        throw new java.util.concurrent.RejectedExecutionException("busy");
      }
      task.run();
    });
    byte[] first = writer.buffer();
    first[0] = 7;
    writer.accept(first, 1);
    assertThat(target.resolveSibling("snapshot.4.tmp")).as("nothing written yet").doesNotExist();
    byte[] second = writer.buffer();
    second[0] = 8;
    writer.accept(second, 1);
    IOException[] reported = {new IOException("not called")};
    writer.finish((file, failure) -> reported[0] = failure);
    assertThat(reported[0]).isNull();
    assertThat(Arrays.copyOf(Files.readAllBytes(target), 2)).containsExactly(7, 8);
  }

  @Test
  void anAbandonedWriteLeavesNoFile() throws Exception {
    Path target = dir.resolve("snapshot.2");
    ImageWriter writer = new ImageWriter(target, pool);
    writer.accept(writer.buffer(), 1000);
    CompletableFuture<Void> after = new CompletableFuture<>();
    writer.abandon(() -> after.complete(null));
    after.get(30, TimeUnit.SECONDS);
    assertThat(target).doesNotExist();
    assertThat(dir.resolve("snapshot.2.tmp")).doesNotExist();
  }

  @Test
  void aFailedWriteIsReportedAndLaterChunksAreDropped() throws Exception {
    Path target = dir.resolve("missing").resolve("snapshot.3");
    ImageWriter writer = new ImageWriter(target, Runnable::run);
    writer.accept(writer.buffer(), 10);
    assertThat(writer.failure()).isNotNull();
    writer.accept(writer.buffer(), 10);
    IOException[] reported = {null};
    writer.finish((file, failure) -> reported[0] = failure);
    assertThat(reported[0]).isSameAs(writer.failure());
    assertThat(writer.backlogged()).isFalse();
    assertThat(target.getParent()).doesNotExist();
  }
}
