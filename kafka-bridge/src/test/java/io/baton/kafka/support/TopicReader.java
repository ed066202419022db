package io.baton.kafka.support;

import io.baton.kafka.kafka.Records;
import io.baton.schemas.event.BatonEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic as a read_committed consumer would see it now. */
public final class TopicReader {
  private TopicReader() {
  }

  /** One consumed record, value decoded with the published schema. */
  public record Rec(String topic, int partition, long offset, String key, BatonEvent event,
                    Map<String, String> headers, byte[] value) {
  }

  public static List<ConsumerRecord<byte[], byte[]>> raw(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        return out;
      }
      List<TopicPartition> parts = new ArrayList<>();
      infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, Duration.ofSeconds(10)));
      long deadline = System.currentTimeMillis() + 60_000;
      while (true) {
        end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
        if (end.isEmpty()) {
          break;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("reading " + topic + " timed out");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(r);
        }
      }
    }
    out.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
        : Long.compare(a.offset(), b.offset()));
    return out;
  }

  /**
   * Waits, up to {@code timeout}, until no transaction is left open in the topics named {@code prefix}...
   * (read with the Kafka {@code client} settings of a bridge's producer):
   * until what a read_committed consumer can read ends where what is written ends. A bridge reports a
   * transaction committed once Kafka acknowledged the commit; the markers that make its records visible
   * to such a consumer may be written a moment later.
   */
  public static void awaitSettled(Map<String, Object> client, String prefix, Duration timeout) {
    Properties p = new Properties();
    client.forEach((k, v) -> p.put(k, String.valueOf(v)));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Properties q = new Properties();
    q.putAll(p);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    q.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> committed = new KafkaConsumer<>(p);
         KafkaConsumer<byte[], byte[]> written = new KafkaConsumer<>(q)) {
      List<TopicPartition> parts = new ArrayList<>();
      committed.listTopics(Duration.ofSeconds(10)).forEach((topic, infos) -> {
        if (topic.startsWith(prefix)) {
          infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        }
      });
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!committed.endOffsets(parts, Duration.ofSeconds(10))
          .equals(written.endOffsets(parts, Duration.ofSeconds(10))) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  public static List<Rec> events(String bootstrap, String topic) {
    List<Rec> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : raw(bootstrap, topic)) {
      Map<String, String> headers = new HashMap<>();
      r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
      out.add(new Rec(r.topic(), r.partition(), r.offset(),
          r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), Records.decodeEvent(r.value()),
          headers, r.value()));
    }
    return out;
  }

  /** The events of several topics in log order (zxid, then index in the entry). */
  public static List<Rec> events(String bootstrap, String... topics) {
    List<Rec> out = new ArrayList<>();
    for (String topic : topics) {
      out.addAll(events(bootstrap, topic));
    }
    out.sort(java.util.Comparator.comparingLong((Rec r) -> r.event().getZxid())
        .thenComparingInt(r -> r.event().getEntryIndex()));
    return out;
  }
}
