package io.baton.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.kafka.kafka.TxnPublisher;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.schemas.event.BridgeCheckpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The bridge's two producers against the real broker: once a connection of either producer closed since
 * the last commit (a broker that went away may have left the last transaction's data open), the next
 * transaction is made again on the producer that committed last; every record is published once, in order.
 */
class TxnPublisherTest extends BrokerNodeTest {
  private static BridgeCheckpoint checkpoint(long zxid) {
    return BridgeCheckpoint.newBuilder().setBridgeId("guard").setZxid(zxid).setTime(System.currentTimeMillis())
        .setRecords(zxid).setResyncs(0).build();
  }

  private static List<ProducerRecord<byte[], byte[]>> record(long zxid) {
    return List.of(new ProducerRecord<>("guard.events", "k".getBytes(StandardCharsets.UTF_8),
        ("entry " + zxid).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void afterAClosedConnectionTheTransactionIsMadeAgainOnTheProducerThatCommittedLast() throws Exception {
    // idle connections close after 300 ms: a stand-in for a broker that went away between two commits
    BridgeConfig config = new BridgeConfig(KafkaFixture.bridgeConfig("guard").put("producer",
        KafkaFixture.bridgeConfig("guard").getJsonObject("producer").put("connections.max.idle.ms", "300")));
    try (TxnPublisher p = TxnPublisher.open(config)) {
      p.commit(record(1), checkpoint(1));
      p.commit(record(2), checkpoint(2));
      int before = p.remade();
      Thread.sleep(2_000);
      p.commit(record(3), checkpoint(3));
      assertThat(p.remade()).as("transactions made again after the idle connections closed").isGreaterThan(before);
      p.commit(record(4), checkpoint(4));
    }
    try (TxnPublisher p = TxnPublisher.open(config)) {
      assertThat(p.readCheckpoint().getZxid()).isEqualTo(4);
    }
    assertThat(TopicReader.raw(kafka.bootstrap(), "guard.events"))
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly("entry 1", "entry 2", "entry 3", "entry 4");
  }
}
