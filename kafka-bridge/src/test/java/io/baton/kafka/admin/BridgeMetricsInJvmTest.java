package io.baton.kafka.admin;

import static io.baton.kafka.support.AdminScrape.sample;
import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.KafkaBridgeVerticle;
import io.baton.kafka.support.AdminScrape;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka bridge verticle deployed next to a node started by {@link Main} in one Vert.x: after
 * writes and ingress commands, the node's admin {@code /metrics} shows the bridge's meters beside
 * the node's; its checks answer on the event bus; undeploying it removes its meters.
 */
class BridgeMetricsInJvmTest {
  @TempDir
  Path dir;

  @Test
  void theNodesAdminPortExportsTheBridgeOfItsJvm() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    Vertx vertx = Vertx.vertx();
    try {
      int admin = KafkaFixture.freePort();
      await(Main.serve(vertx, new JsonObject().put("dataDir", dir.resolve("data").toString())
          .put("durability", "none").put("bridgePort", 0).put("adminPort", admin)));
      JsonObject config = KafkaFixture.bridgeConfig("jvm-meters").put("ingress", new JsonObject().put("enabled", true));
      config.getJsonObject("topics").put("commands", "jvm-meters.commands").put("replies", "jvm-meters.replies");
      KafkaBridgeVerticle bridge = new KafkaBridgeVerticle();
      String deployment = await(vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)));
      assertThat(bridge.adminPort()).as("no port of its own unless configured").isEqualTo(-1);

      CoordinationClient c = await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
      await(c.create("/m", new byte[0], CreateMode.PERSISTENT));
      for (int i = 0; i < 40; i++) {
        await(c.create("/m/n-", new byte[] {1}, CreateMode.PERSISTENT_SEQUENTIAL));
      }
      sendCommands(kafka, "jvm-meters.commands", "{\"op\":\"exists\",\"path\":\"/m\"}", "not json",
          "{\"op\":\"getData\",\"path\":\"/missing\"}");
      long zxid = await(c.request(new JsonObject().put("op", "info"))).getLong("zxid");
      InProcess.waitFor(() -> bridge.bridge().committedZxid() >= zxid, Duration.ofSeconds(60), () -> bridge.status().encode());

      String[] scrape = new String[1];
      InProcess.waitFor(() -> {
        scrape[0] = metrics(admin);
        // the node's meters read a state its owner publishes every second
        return sample(scrape[0], "baton_kafka_ingress_commands_total", Map.of("result", "NoNode")) == 1
            && sample(scrape[0], "baton_znodes", Map.of()) >= 41;
      }, Duration.ofSeconds(60), () -> scrape[0]);
      String s = scrape[0];
      Map<String, String> id = Map.of("bridge", "jvm-meters");
      assertThat(sample(s, "baton_kafka_records_total", Map.of("topic", "jvm-meters.events")))
          .isGreaterThanOrEqualTo(41);
      assertThat(sample(s, "baton_kafka_records_total", Map.of("topic", "jvm-meters.sessions"))).isGreaterThanOrEqualTo(1);
      assertThat(sample(s, "baton_kafka_bridge_state", Map.of("bridge", "jvm-meters", "state", "RUNNING"))).isEqualTo(1);
      assertThat(sample(s, "baton_kafka_bridge_state", Map.of("state", "KAFKA_UNAVAILABLE"))).isZero();
      assertThat(sample(s, "baton_kafka_lag_entries", id)).isZero();
      assertThat(sample(s, "baton_kafka_lag_seconds", id)).isLessThan(5);
      assertThat(sample(s, "baton_kafka_committed_zxid", id)).isGreaterThanOrEqualTo(zxid);
      assertThat(sample(s, "baton_kafka_transactions_committed_total", id)).isGreaterThanOrEqualTo(1);
      assertThat(sample(s, "baton_kafka_transactions_aborted_total", id)).isZero();
      assertThat(sample(s, "baton_kafka_resyncs_total", id)).isZero();
      assertThat(sample(s, "baton_kafka_batch_entries_count", id)).isGreaterThanOrEqualTo(1);
      assertThat(sample(s, "baton_kafka_batch_entries_sum", id)).isGreaterThanOrEqualTo(42);
      assertThat(sample(s, "baton_kafka_transaction_commit_seconds_count", id)).isGreaterThanOrEqualTo(1);
      assertThat(sample(s, "baton_kafka_publish_lag_seconds_count", id)).isGreaterThanOrEqualTo(42);
      assertThat(sample(s, "baton_kafka_publish_lag_seconds_bucket", Map.of("le", "+Inf"))).isGreaterThanOrEqualTo(42);
      assertThat(sample(s, "baton_kafka_ingress_commands_total", Map.of("result", "ok"))).isEqualTo(1);
      assertThat(sample(s, "baton_kafka_ingress_commands_total", Map.of("result", "MarshallingError"))).isEqualTo(1);
      assertThat(sample(s, "baton_znodes", Map.of())).as("the node's own meters too").isGreaterThanOrEqualTo(41);

      JsonObject ready = (JsonObject) await(vertx.eventBus().request("baton.kafka.status.health", "ready")).body();
      assertThat(ready.getString("status")).as("%s", ready).isEqualTo("UP");
      assertThat(ready.getJsonArray("checks").stream().map(o -> ((JsonObject) o).getString("id")))
          .containsExactlyInAnyOrder("bridge", "worker", "event_loop", "state", "lag");

      await(vertx.undeploy(deployment));
      assertThat(metrics(admin)).doesNotContain("baton_kafka_").contains("baton_znodes");
    } finally {
      await(vertx.close());
    }
  }

  private static String metrics(int port) {
    try {
      AdminScrape.Response r = AdminScrape.get(port, "/metrics");
      assertThat(r.status()).isEqualTo(200);
      return r.body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sendCommands(KafkaFixture kafka, String topic, String... commands) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (String command : commands) {
        producer.send(new ProducerRecord<>(topic, command.getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }
}
