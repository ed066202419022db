package io.baton.kafka.admin;

import static io.baton.kafka.support.AdminScrape.sample;
import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.support.AdminScrape;
import io.baton.kafka.support.ChildProcess;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone bridge's own admin port ({@code BridgeMain --admin-port}), bridge and node as
 * processes: its meters after writes through the node, {@code /readyz} 200 while it runs, 503 (and
 * still live) once Baton is gone, 200 again once Baton is back, 503 while Kafka is stopped.
 */
class BridgeAdminProcessTest {
  @TempDir
  Path dir;

  @Test
  void readyWhileRunningNotReadyWithoutBatonOrKafka() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    int port = KafkaFixture.freePort();
    int admin = KafkaFixture.freePort();
    JsonObject config = KafkaFixture.bridgeConfig("proc-admin")
        .put("baton", new JsonObject().put("host", "127.0.0.1").put("port", port))
        .put("backoffInitialMs", 200).put("backoffMaxMs", 1000)
        .put("consumer", new JsonObject().put("default.api.timeout.ms", "3000").put("request.timeout.ms", "3000"));
    config.getJsonObject("producer").put("max.block.ms", "3000").put("request.timeout.ms", "3000")
        .put("delivery.timeout.ms", "6000").put("transaction.timeout.ms", "20000");
    Path file = dir.resolve("bridge.json");
    Files.writeString(file, config.encodePrettily());
    Vertx vertx = Vertx.vertx();
    try (ChildProcess baton = ChildProcess.baton(dir.resolve("data"), port, "--durability", "none").start();
         ChildProcess bridge = ChildProcess.bridge(file, "--admin-port", Integer.toString(admin)).start()) {
      assertThat(bridge.log()).contains("admin port " + admin);
      CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      await(c.create("/p", new byte[0], CreateMode.PERSISTENT));
      for (int i = 0; i < 20; i++) {
        await(c.create("/p/n-", new byte[] {1}, CreateMode.PERSISTENT_SEQUENTIAL));
      }
      String[] scrape = new String[1];
      InProcess.waitFor(() -> {
        scrape[0] = get(admin, "/metrics").body();
        return sample(scrape[0], "baton_kafka_records_total", Map.of("topic", "proc-admin.events")) >= 21;
      }, Duration.ofSeconds(60), () -> scrape[0]);
      assertThat(sample(scrape[0], "baton_kafka_bridge_state", Map.of("state", "RUNNING"))).isEqualTo(1);
      assertThat(sample(scrape[0], "baton_kafka_publish_lag_seconds_count", Map.of())).isGreaterThanOrEqualTo(21);
      assertThat(scrape[0]).as("Vert.x's own meters: its connections to Baton").contains("vertx_net_client_")
          .doesNotContain("baton_znodes");
      InProcess.waitFor(() -> get(admin, "/readyz").status() == 200, Duration.ofSeconds(30),
          () -> get(admin, "/readyz?verbose").body());
      assertThat(new JsonObject(get(admin, "/health").body()).getString("health")).isEqualTo("true");
      assertThat(new JsonObject(get(admin, "/api/kafka").body()).getString("state")).isEqualTo("RUNNING");

      baton.kill9();
      InProcess.waitFor(() -> get(admin, "/readyz").status() == 503, Duration.ofSeconds(30),
          () -> get(admin, "/readyz?verbose").body());
      assertThat(get(admin, "/readyz?verbose").body()).contains("[-]state failed: BATON_UNAVAILABLE");
      assertThat(get(admin, "/livez").status()).isEqualTo(200);
      baton.start();
      InProcess.waitFor(() -> get(admin, "/readyz").status() == 200, Duration.ofSeconds(60),
          () -> get(admin, "/readyz?verbose").body());

      c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      kafka.stopBroker();
      try {
        await(c.create("/p/n-", new byte[] {2}, CreateMode.PERSISTENT_SEQUENTIAL));
        InProcess.waitFor(() -> get(admin, "/readyz").status() == 503, Duration.ofSeconds(60),
            () -> get(admin, "/readyz?verbose").body());
        assertThat(get(admin, "/readyz?verbose").body()).contains("[-]state failed: KAFKA_UNAVAILABLE")
            .contains("[+]worker ok");
        assertThat(get(admin, "/livez").status()).isEqualTo(200);
        assertThat(new JsonObject(get(admin, "/health").body()).getString("reason")).contains("KAFKA_UNAVAILABLE");
        assertThat(sample(get(admin, "/metrics").body(), "baton_kafka_transactions_aborted_total", Map.of()))
            .isGreaterThanOrEqualTo(1);
      } finally {
        kafka.startBroker();
      }
    } finally {
      await(vertx.close());
    }
  }

  private static AdminScrape.Response get(int port, String path) {
    try {
      return AdminScrape.get(port, path);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
