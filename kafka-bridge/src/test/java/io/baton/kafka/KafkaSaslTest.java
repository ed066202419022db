package io.baton.kafka;

import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.json.JsonObject;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against the broker's SASL_PLAINTEXT listener (SCRAM-SHA-256): with the right password
 * (kept in a file, read through Kafka's FileConfigProvider) it delivers exactly once, across a
 * restart; with a wrong one it publishes nothing, reports KAFKA_AUTH_FAILED, and Baton keeps serving.
 */
class KafkaSaslTest {
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
  void scramCredentialsDeliverExactlyOnceAndAWrongPasswordIsRefused() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    assumeFalse(kafka.isDocker(), "the Docker broker has no SASL listener");
    node = new InProcess().startNode(dir.resolve("data"), null);
    CoordinationClient c = node.client();

    JsonObject wrong = KafkaFixture.bridgeConfig("sasl-wrong")
        .put("producer", kafka.saslClient(KafkaFixture.SCRAM_USER, "not-the-password"));
    node.startBridge(wrong);
    InProcess.waitFor(() -> node.bridge().bridge().state() == KafkaBridge.State.KAFKA_AUTH_FAILED,
        Duration.ofSeconds(30), () -> "status " + node.bridge().status());
    assertThat(node.bridge().status().getString("lastError")).contains("Kafka refused the bridge's authentication")
        .contains("SaslAuthenticationException");
    await(c.create("/sasl", "while refused".getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));
    assertThat(node.bridge().status().getLong("transactions")).isZero();
    node.stopBridge();

    Path secrets = dir.resolve("kafka-secrets.properties");
    Properties p = new Properties();
    p.put("sasl.jaas.config", KafkaFixture.jaas(KafkaFixture.SCRAM_USER, KafkaFixture.SCRAM_PASSWORD));
    try (Writer w = Files.newBufferedWriter(secrets)) {
      p.store(w, null);
    }
    JsonObject producer = new JsonObject().put("bootstrap.servers", kafka.saslBootstrap())
        .put("security.protocol", "SASL_PLAINTEXT").put("sasl.mechanism", "SCRAM-SHA-256")
        .put("config.providers", "file")
        .put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider")
        .put("sasl.jaas.config", "${file:" + secrets + ":sasl.jaas.config}");
    JsonObject right = KafkaFixture.bridgeConfig("sasl").put("producer", producer);
    node.startBridge(right);
    await(c.create("/sasl/a", "1".getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));
    await(c.setData("/sasl/a", "2".getBytes(StandardCharsets.UTF_8), 0));
    node.awaitCaughtUp(c, Duration.ofSeconds(30));
    node.stopBridge();
    await(c.delete("/sasl/a", -1));
    node.startBridge(right);
    node.awaitCaughtUp(c, Duration.ofSeconds(30));

    List<String> published = TopicReader.events(kafka.bootstrap(), "sasl.events").stream()
        .map(r -> r.event().getKind() + " " + r.event().getPath())
        .filter(s -> s.endsWith(" /sasl") || s.contains(" /sasl/")).toList();
    assertThat(published).containsExactly("NODE_CREATED /sasl", "NODE_CREATED /sasl/a", "NODE_DATA_CHANGED /sasl/a",
        "NODE_DELETED /sasl/a");
    assertThat(TopicReader.raw(kafka.bootstrap(), "sasl-wrong.events")).isEmpty();
  }
}
