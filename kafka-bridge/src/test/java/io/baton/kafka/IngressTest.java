package io.baton.kafka;

import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol commands from a Kafka topic; replies, good or bad, on the reply topic with the correlation id. */
class IngressTest {
  @TempDir
  Path dir;
  InProcess node;

  @AfterEach
  void close() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void commandsAreExecutedAndBadOnesGetErrorReplies() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    node = new InProcess().startNode(dir.resolve("data"), null);
    JsonObject config = KafkaFixture.bridgeConfig("ingress").put("ingress", new JsonObject().put("enabled", true));
    config.getJsonObject("topics").put("commands", "ingress.commands").put("replies", "ingress.replies");
    node.startBridge(config);
    CoordinationClient c = node.client();

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    Map<String, String> commands = new java.util.LinkedHashMap<>();
    commands.put("c1", "{\"op\":\"create\",\"path\":\"/from-kafka\",\"text\":\"hi\"}");
    commands.put("c2", "{\"op\":\"setData\",\"path\":\"/from-kafka\",\"text\":\"again\",\"version\":0}");
    commands.put("c3", "this is not json");
    commands.put("c4", "{\"op\":\"frobnicate\"}");
    commands.put("c5", "{\"op\":\"create\"}");
    commands.put("c6", "{\"op\":\"getData\",\"path\":\"/missing\"}");
    commands.put("c7", "{\"op\":\"setData\",\"path\":\"/from-kafka\",\"text\":\"stale\",\"version\":0}");
    commands.put("c8", "[1,2,3]");
    commands.put("c9", "{\"op\":\"create\",\"path\":\"/eph\",\"mode\":\"ephemeral\"}");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (Map.Entry<String, String> e : commands.entrySet()) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("ingress.commands", b("key-" + e.getKey()),
            b(e.getValue()));
        r.headers().add("correlationId", b(e.getKey()));
        if (e.getKey().equals("c6")) {
          r.headers().add("replyTo", b("ingress.other-replies"));
        }
        producer.send(r).get();
      }
    }
    Map<String, JsonObject> replies = new HashMap<>();
    InProcess.waitFor(() -> {
      replies.clear();
      collect(kafka, "ingress.replies", replies);
      collect(kafka, "ingress.other-replies", replies);
      return replies.size() >= commands.size();
    }, Duration.ofSeconds(60), () -> "replies: " + replies);

    assertThat(replies.get("c1").getBoolean("ok")).isTrue();
    assertThat(replies.get("c1").getJsonObject("reply").getString("path")).isEqualTo("/from-kafka");
    assertThat(replies.get("c2").getJsonObject("reply").getJsonObject("stat").getInteger("version")).isEqualTo(1);
    assertError(replies.get("c3"), -5, "MarshallingError");
    assertError(replies.get("c4"), -6, "Unimplemented");
    assertError(replies.get("c5"), -8, "BadArguments");
    assertError(replies.get("c6"), -101, "NoNode");
    assertError(replies.get("c7"), -103, "BadVersion");
    assertError(replies.get("c8"), -5, "MarshallingError");
    assertError(replies.get("c9"), -8, "BadArguments");
    assertThat(replies.get("c4").getString("message")).contains("frobnicate");
    assertThat(new String(await(c.getData("/from-kafka", false)).data(), StandardCharsets.UTF_8)).isEqualTo("again");
  }

  static void collect(KafkaFixture kafka, String topic, Map<String, JsonObject> into) {
    List<ConsumerRecord<byte[], byte[]>> all = TopicReader.raw(kafka.bootstrap(), topic);
    for (ConsumerRecord<byte[], byte[]> r : all) {
      var h = r.headers().lastHeader("correlationId");
      String id = new String(h.value(), StandardCharsets.UTF_8);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("key-" + id);
      into.put(id, new JsonObject(new String(r.value(), StandardCharsets.UTF_8)));
    }
  }

  static void assertError(JsonObject reply, int code, String name) {
    assertThat(reply.getBoolean("ok")).as("%s", reply).isFalse();
    assertThat(reply.getInteger("code")).as("%s", reply).isEqualTo(code);
    assertThat(reply.getString("error")).isEqualTo(name);
    assertThat(reply.getString("message")).isNotEmpty();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
