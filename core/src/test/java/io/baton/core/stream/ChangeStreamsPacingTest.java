package io.baton.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.server.Durability;
import io.baton.core.server.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change streams paced by their consumer: catch-up reads the next batch only once the consumer
 * takes more, and a paused live stream holds at most {@code maxStreamBufferEvents} events before it
 * goes back to the log; either way the consumer gets every change once, in order.
 */
class ChangeStreamsPacingTest {
  private static final int HELD = 50;

  @TempDir
  Path dir;
  private TestNode node;
  private ChangeStreams streams;

  @BeforeEach
  void open() throws Exception {
    node = new TestNode(TestNode.config(dir).withDurability(Durability.NONE)
        .withLimits(io.baton.core.limit.Limits.defaults().with("maxStreamBufferEvents", HELD)));
    streams = node.call(() -> new ChangeStreams(node.coordinator, node.scheduler));
    node.create("/p", "0");
  }

  @AfterEach
  void close() throws Exception {
    node.close();
  }

  /** A consumer that takes events only while {@link #ready} is set. */
  private static final class Consumer implements ChangeStreams.Sink {
    final List<ChangeEvent> events = Collections.synchronizedList(new ArrayList<>());
    volatile boolean ready;
    final AtomicReference<Runnable> resume = new AtomicReference<>();

    @Override
    public void events(List<ChangeEvent> batch) {
      events.addAll(batch);
    }

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public void whenReady(Runnable r) {
      assertThat(resume.getAndSet(r)).as("one resume at a time").isNull();
    }

    void take() {
      ready = true;
      Runnable r = resume.getAndSet(null);
      if (r != null) {
        r.run();
      }
    }
  }

  @Test
  void catchUpReadsTheNextBatchOnlyWhenTheConsumerTakesMore() {
    for (int i = 1; i <= 2_500; i++) {
      node.setData("/p", "v" + i, -1);
    }
    long last = node.call(node.coordinator::lastApplied);
    Consumer consumer = new Consumer();
    node.call(() -> streams.open(0, consumer));
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.resume.get() != null);
    int firstBatch = consumer.events.size();
    assertThat(firstBatch).isBetween(1, 1_000);
    node.call(() -> null);
    assertThat(consumer.events).hasSize(firstBatch);

    consumer.take();
    await().atMost(Duration.ofSeconds(10)).until(() -> !consumer.events.isEmpty()
        && consumer.events.get(consumer.events.size() - 1).zxid() == last);
    assertGapless(consumer.events);
  }

  @Test
  void aPausedLiveStreamHoldsBoundedEventsThenReadsTheRestFromTheLog() {
    Consumer consumer = new Consumer();
    consumer.ready = true;
    long from = node.call(node.coordinator::lastApplied);
    node.call(() -> streams.open(from, consumer));
    consumer.ready = false;
    node.setData("/p", "first", -1); // delivered, and the stream sees its consumer is full
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.resume.get() != null);
    for (int i = 0; i < HELD * 4; i++) {
      node.setData("/p", "held" + i, -1);
    }
    node.call(() -> null);
    assertThat(consumer.events).hasSize(1);

    consumer.take();
    long last = node.call(node.coordinator::lastApplied);
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.events.get(consumer.events.size() - 1).zxid() == last);
    assertThat(consumer.events).hasSize(1 + HELD * 4);
    assertThat(consumer.events.get(0).zxid()).isEqualTo(from + 1);
    assertGapless(consumer.events);
    // and it is live again
    node.setData("/p", "after", -1);
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.events.size() == 2 + HELD * 4);
  }

  private static void assertGapless(List<ChangeEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).zxid()).as("event %d", i).isEqualTo(events.get(i - 1).zxid() + 1);
    }
  }
}
