package io.baton.kafka;

import static io.baton.kafka.KafkaBridgeTest.b;
import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.kafka.Records;
import io.baton.kafka.mapping.EventMapper;
import io.baton.kafka.mapping.Mapped;
import io.baton.kafka.support.ChildProcess;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.kafka.support.TopicReader.Rec;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge as its own process, following a standalone Baton process through the TCP bridge:
 * {@code kill -9} in the middle of a write load, restart, repeat; a read_committed consumer then
 * sees every entry exactly once, in order. A second instance with the same bridge id fences the
 * first, which exits.
 */
class BridgeCrashTest {
  @TempDir
  Path dir;

  @Test
  void killedBridgeProcessResumesWithNoGapAndNoDuplicate() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    int port = KafkaFixture.freePort();
    Path config = dir.resolve("bridge.json");
    Files.writeString(config, KafkaFixture.bridgeConfig("crash")
        .put("baton", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("maxBatchEntries", 100).encodePrettily());
    Vertx vertx = Vertx.vertx();
    try (ChildProcess baton = ChildProcess.baton(dir.resolve("data"), port, "--durability", "none").start();
         ChildProcess bridge = ChildProcess.bridge(config).start()) {
      CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      await(c.create("/crash", new byte[0], CreateMode.PERSISTENT));

      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        int i = 0;
        while (writing.get()) {
          try {
            List<Future<?>> burst = new ArrayList<>();
            for (int k = 0; k < 20; k++, i++) {
              burst.add(c.create("/crash/n-", b("v" + i), CreateMode.PERSISTENT_SEQUENTIAL));
            }
            await(Future.all(burst));
            written.addAndGet(burst.size());
            Thread.sleep(20);
          } catch (Throwable t) {
            failure.set(t);
            return;
          }
        }
      });
      writer.start();
      int seen = 0;
      for (int kill = 0; kill < 3; kill++) {
        // let the (re)started bridge commit something, then kill it in the middle of the stream
        int from = seen;
        InProcess.waitFor(() -> checkpointRecords(kafka, "crash.checkpoints") > from, Duration.ofSeconds(60),
            () -> "bridge progress: " + logOf(bridge));
        Thread.sleep(300 + kill * 250L);
        bridge.kill9();
        seen = checkpointRecords(kafka, "crash.checkpoints");
        System.out.printf("%tT kill %d after %d checkpoints, %d written%n", System.currentTimeMillis(), kill, seen,
            written.get());
        bridge.start();
        System.out.printf("%tT restarted%n", System.currentTimeMillis());
      }
      Thread.sleep(1_000);
      writing.set(false);
      writer.join();
      assertThat(failure.get()).isNull();

      long head = await(c.request(new JsonObject().put("op", "info"))).getLong("zxid");
      System.out.printf("%tT writes done: %d%n", System.currentTimeMillis(), written.get());
      InProcess.waitFor(() -> lastCheckpoint(kafka, "crash.checkpoints") >= head, Duration.ofSeconds(60),
          () -> "bridge catches up to " + head);

      System.out.printf("%tT caught up%n", System.currentTimeMillis());
      // a second instance with the same id fences the first, which exits (code 2)
      try (ChildProcess second = ChildProcess.bridge(config).start()) {
        assertThat(bridge.process().waitFor(30, TimeUnit.SECONDS)).as("first instance exits once fenced").isTrue();
        assertThat(bridge.process().exitValue()).isEqualTo(2);
        await(c.create("/crash/after-fence", b("x"), CreateMode.PERSISTENT));
        long head2 = await(c.request(new JsonObject().put("op", "info"))).getLong("zxid");
        InProcess.waitFor(() -> lastCheckpoint(kafka, "crash.checkpoints") >= head2, Duration.ofSeconds(60),
            () -> "second instance publishes");
        assertThat(second.process().isAlive()).isTrue();
        System.out.printf("%tT fenced and published%n", System.currentTimeMillis());

        // reference: Baton's log through a stream, mapped the same way
        List<String> expected = new CopyOnWriteArrayList<>();
        EventMapper mapper = new EventMapper();
        var stream = await(c.openEntryStream(0, entry -> {
          for (Mapped m : mapper.mapEntry(entry, false)) {
            expected.add(m.event().getZxid() + "/" + m.event().getEntryIndex() + " " + KafkaBridgeTest.line(m.event()));
          }
        }));
        InProcess.waitFor(() -> !expected.isEmpty()
                && BrokerOutageTest.zxidOf(expected.get(expected.size() - 1)) >= head2,
            Duration.ofSeconds(30), () -> "reference stream");
        await(stream.close());
        List<String> want = expected.stream().filter(s -> BrokerOutageTest.zxidOf(s) <= head2).toList();
        List<String> got = TopicReader.events(kafka.bootstrap(), "crash.events", "crash.sessions").stream().map(Rec::event)
            .filter(e -> e.getZxid() <= head2)
            .map(e -> e.getZxid() + "/" + e.getEntryIndex() + " " + KafkaBridgeTest.line(e)).toList();
        assertThat(got).hasSize(want.size()).containsExactlyElementsOf(want);
        assertThat(got.stream().filter(s -> s.contains("NODE_CREATED /crash/n-")).count()).isEqualTo(written.get());
      }
      await(c.close());
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void batonKilledAndRestartedUnderTheBridgeLosesNothing() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    int port = KafkaFixture.freePort();
    Path config = dir.resolve("bridge.json");
    Files.writeString(config, KafkaFixture.bridgeConfig("batonkill")
        .put("baton", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("backoffMaxMs", 1000).encodePrettily());
    Vertx vertx = Vertx.vertx();
    try (ChildProcess baton = ChildProcess.baton(dir.resolve("data"), port, "--durability", "none").start();
         ChildProcess bridge = ChildProcess.bridge(config).start()) {
      CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      await(c.create("/bk", new byte[0], CreateMode.PERSISTENT));
      for (int i = 0; i < 300; i++) {
        await(c.create("/bk/a-", b("v" + i), CreateMode.PERSISTENT_SEQUENTIAL));
      }
      InProcess.waitFor(() -> checkpointRecords(kafka, "batonkill.checkpoints") > 0, Duration.ofSeconds(60),
          () -> logOf(bridge));
      baton.kill9();
      baton.start();
      c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      for (int i = 0; i < 300; i++) {
        await(c.create("/bk/b-", b("w" + i), CreateMode.PERSISTENT_SEQUENTIAL));
      }
      long head = await(c.request(new JsonObject().put("op", "info"))).getLong("zxid");
      InProcess.waitFor(() -> lastCheckpoint(kafka, "batonkill.checkpoints") >= head, Duration.ofSeconds(60),
          () -> "bridge follows the restarted node: " + logOf(bridge));
      assertThat(bridge.process().isAlive()).isTrue();

      List<String> expected = new CopyOnWriteArrayList<>();
      EventMapper mapper = new EventMapper();
      var stream = await(c.openEntryStream(0, entry -> {
        for (Mapped m : mapper.mapEntry(entry, false)) {
          expected.add(m.event().getZxid() + "/" + m.event().getEntryIndex() + " " + KafkaBridgeTest.line(m.event()));
        }
      }));
      InProcess.waitFor(() -> !expected.isEmpty() && BrokerOutageTest.zxidOf(expected.get(expected.size() - 1)) >= head,
          Duration.ofSeconds(30), () -> "reference stream");
      await(stream.close());
      List<String> want = expected.stream().filter(x -> BrokerOutageTest.zxidOf(x) <= head).toList();
      List<String> got = TopicReader.events(kafka.bootstrap(), "batonkill.events", "batonkill.sessions").stream().map(Rec::event)
          .filter(e -> e.getZxid() <= head)
          .map(e -> e.getZxid() + "/" + e.getEntryIndex() + " " + KafkaBridgeTest.line(e)).toList();
      assertThat(got).hasSize(want.size()).containsExactlyElementsOf(want);
      assertThat(got.stream().filter(x -> x.contains("NODE_CREATED /bk/")).count()).isEqualTo(600);
      await(c.close());
    } finally {
      await(vertx.close());
    }
  }

  static String logOf(ChildProcess p) {
    try {
      return p.log();
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  static int checkpointRecords(KafkaFixture kafka, String topic) {
    return TopicReader.raw(kafka.bootstrap(), topic).size();
  }

  static long lastCheckpoint(KafkaFixture kafka, String topic) {
    List<ConsumerRecord<byte[], byte[]>> all = TopicReader.raw(kafka.bootstrap(), topic);
    return all.isEmpty() ? -1 : Records.decodeCheckpoint(all.get(all.size() - 1).value()).getZxid();
  }
}
