package io.baton.kafka;

import static io.baton.kafka.KafkaBridgeTest.b;
import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.mapping.EventMapper;
import io.baton.kafka.mapping.Mapped;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.kafka.support.TopicReader.Rec;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away in the middle of a write load and comes back: Baton keeps serving, the
 * bridge reports itself unavailable with a growing lag, then catches up from the log; every entry
 * ends up in Kafka exactly once.
 */
class BrokerOutageTest extends BrokerNodeTest {
  /** Short Kafka timeouts so the outage is noticed in seconds. */
  static JsonObject fastFailure(JsonObject config) {
    config.getJsonObject("producer").put("max.block.ms", "3000").put("request.timeout.ms", "3000")
        .put("delivery.timeout.ms", "6000").put("transaction.timeout.ms", "20000");
    config.put("consumer", new JsonObject().put("default.api.timeout.ms", "3000").put("request.timeout.ms", "3000"));
    return config.put("backoffInitialMs", 200).put("backoffMaxMs", 1000);
  }

  @Test
  void brokerStoppedDuringWritesLosesNothingOnceItReturns() throws Exception {
    node = new InProcess().startNode(dir.resolve("data"), null);
    node.startBridge(fastFailure(KafkaFixture.bridgeConfig("outage")));
    CoordinationClient c = node.client();
    await(c.create("/out", new byte[0], CreateMode.PERSISTENT));
    node.awaitCaughtUp(c, Duration.ofSeconds(30));

    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    AtomicReference<Throwable> writeFailure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      int i = 0;
      while (writing.get()) {
        try {
          await(c.create("/out/n-", b("v" + i), CreateMode.PERSISTENT_SEQUENTIAL));
          written.incrementAndGet();
          i++;
          Thread.sleep(2);
        } catch (Throwable t) {
          writeFailure.set(t);
          return;
        }
      }
    });
    writer.start();
    Thread.sleep(1_500);
    kafka.stopBroker();
    try {
      int atStop = written.get();
      InProcess.waitFor(() -> node.bridge().bridge().state() == KafkaBridge.State.KAFKA_UNAVAILABLE,
          Duration.ofSeconds(30), () -> "bridge notices the outage: " + node.bridge().status());
      Thread.sleep(1_500);
      assertThat(written.get()).as("Baton keeps serving while Kafka is down").isGreaterThan(atStop + 100);
      JsonObject status = node.bridge().status();
      assertThat(status.getLong("lagEntries")).isGreaterThan(0);
      assertThat(status.getLong("unavailableSinceMillis")).isNotNull();
    } finally {
      kafka.startBroker();
    }
    Thread.sleep(1_000);
    writing.set(false);
    writer.join();
    assertThat(writeFailure.get()).isNull();
    node.awaitCaughtUp(c, Duration.ofSeconds(90));
    assertThat(node.bridge().bridge().state()).isEqualTo(KafkaBridge.State.RUNNING);

    // the reference: Baton's log mapped the same way
    long head = node.zxid(c);
    List<String> expected = new CopyOnWriteArrayList<>();
    EventMapper mapper = new EventMapper();
    var stream = await(c.openEntryStream(0, entry -> {
      for (Mapped m : mapper.mapEntry(entry, false)) {
        expected.add(m.event().getZxid() + "/" + m.event().getEntryIndex() + " " + KafkaBridgeTest.line(m.event()));
      }
    }));
    InProcess.waitFor(() -> !expected.isEmpty() && zxidOf(expected.get(expected.size() - 1)) >= head,
        Duration.ofSeconds(30), () -> "reference stream");
    await(stream.close());
    List<String> want = new ArrayList<>(expected.stream().filter(s -> zxidOf(s) <= head).toList());
    List<String> got = TopicReader.events(kafka.bootstrap(), "outage.events", "outage.sessions").stream().map(Rec::event)
        .filter(e -> e.getZxid() <= head)
        .map(e -> e.getZxid() + "/" + e.getEntryIndex() + " " + KafkaBridgeTest.line(e)).toList();
    assertThat(got).hasSize(want.size()).containsExactlyElementsOf(want);
    assertThat(got.stream().filter(s -> s.contains("NODE_CREATED /out/n-")).count()).isEqualTo(written.get());
  }

  static long zxidOf(String line) {
    return Long.parseLong(line.substring(0, line.indexOf('/')));
  }
}
