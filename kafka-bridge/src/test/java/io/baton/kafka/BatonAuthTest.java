package io.baton.kafka;

import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.support.ChildProcess;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge on a node with {@code enforceAuth}: without {@code baton.auth} it reports
 * BATON_AUTH_FAILED naming enforceAuth and publishes nothing, while the node serves others; with
 * credentials (from a file) it streams as usual and its ingress runs sessionless commands in an
 * authenticated session of its own; as a process over TCP, it authenticates again after the node
 * restarts.
 */
class BatonAuthTest {
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
  void theBridgeAuthenticatesToANodeThatEnforcesAuth() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    node = new InProcess().startNode(dir.resolve("data"), new JsonObject().put("enforceAuth", true));
    CoordinationClient c = node.client();
    await(c.addAuth("digest", "writer:writer-secret"));

    node.startBridge(KafkaFixture.bridgeConfig("anon"));
    InProcess.waitFor(() -> node.bridge().bridge().state() == KafkaBridge.State.BATON_AUTH_FAILED,
        Duration.ofSeconds(30), () -> "status " + node.bridge().status());
    assertThat(node.bridge().status().getString("lastError")).contains("enforceAuth").contains("baton.auth");
    await(c.create("/app", b("served"), CreateMode.PERSISTENT));
    assertThat(node.bridge().status().getLong("transactions")).isZero();
    node.stopBridge();

    Path credentials = dir.resolve("baton-credentials");
    Files.writeString(credentials, "bridge:bridge-secret\n");
    JsonObject config = KafkaFixture.bridgeConfig("authed")
        .put("baton", new JsonObject().put("auth", new JsonObject().put("credentialsFile", credentials.toString())))
        .put("ingress", new JsonObject().put("enabled", true));
    config.getJsonObject("topics").put("commands", "authed.commands").put("replies", "authed.replies");
    node.startBridge(config);
    await(c.create("/app/x", b("1"), CreateMode.PERSISTENT));
    node.awaitCaughtUp(c, Duration.ofSeconds(30));
    // the bridge reports a transaction committed when Kafka acknowledged it; read_committed readers may see
    // its records a moment later
    List<List<String>> published = new java.util.ArrayList<>(List.of(List.of()));
    InProcess.waitFor(() -> {
      published.set(0, TopicReader.events(kafka.bootstrap(), "authed.events").stream()
          .map(r -> r.event().getKind() + " " + r.event().getPath()).filter(s -> s.contains(" /app")).toList());
      return published.get(0).size() >= 2;
    }, Duration.ofSeconds(30), () -> "published: " + published.get(0));
    assertThat(published.get(0)).containsExactly("NODE_CREATED /app", "NODE_CREATED /app/x");

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("authed.commands", b("key-k1"),
          b("{\"op\":\"create\",\"path\":\"/app/from-kafka\",\"text\":\"hi\"}"));
      r.headers().add("correlationId", b("k1"));
      producer.send(r).get();
    }
    Map<String, JsonObject> replies = new HashMap<>();
    InProcess.waitFor(() -> {
      IngressTest.collect(kafka, "authed.replies", replies);
      return replies.containsKey("k1");
    }, Duration.ofSeconds(60), () -> "replies " + replies);
    assertThat(replies.get("k1").getBoolean("ok")).as("%s", replies).isTrue();
    assertThat(new String(await(c.getData("/app/from-kafka", false)).data(), StandardCharsets.UTF_8)).isEqualTo("hi");
  }

  /**
   * The bridge as its own process, over TCP to a node process that enforces auth: it authenticates
   * again on the session it opens after the node was killed and restarted, and publishes every
   * change; its log names the user, never the password.
   */
  @Test
  void theBridgeProcessAuthenticatesAgainAfterTheNodeRestarts() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    int port = KafkaFixture.freePort();
    Path batonConfig = dir.resolve("baton.json");
    Files.writeString(batonConfig, new JsonObject().put("enforceAuth", true).encode());
    Path credentials = dir.resolve("baton-credentials");
    Files.writeString(credentials, "bridge:bridge-secret");
    Path config = dir.resolve("bridge.json");
    Files.writeString(config, KafkaFixture.bridgeConfig("authproc")
        .put("baton", new JsonObject().put("host", "127.0.0.1").put("port", port)
            .put("auth", new JsonObject().put("scheme", "digest").put("credentialsFile", credentials.toString())))
        .put("sessionTimeoutMs", 4000).put("backoffMaxMs", 1000).encodePrettily());
    Vertx vertx = Vertx.vertx();
    try (ChildProcess baton = ChildProcess.baton(dir.resolve("data"), port, "--durability", "none",
        "--config", batonConfig.toString()).start();
         ChildProcess bridge = ChildProcess.bridge(config).start()) {
      CoordinationClient c = writer(vertx, port);
      await(c.create("/p", new byte[0], CreateMode.PERSISTENT));
      for (int i = 0; i < 50; i++) {
        await(c.create("/p/a-", b("v" + i), CreateMode.PERSISTENT_SEQUENTIAL));
      }
      long before = await(c.request(new JsonObject().put("op", "info"))).getLong("zxid");
      InProcess.waitFor(() -> BridgeCrashTest.lastCheckpoint(kafka, "authproc.checkpoints") >= before,
          Duration.ofSeconds(60), () -> BridgeCrashTest.logOf(bridge));
      baton.kill9();
      baton.start();
      c = writer(vertx, port);
      for (int i = 0; i < 50; i++) {
        await(c.create("/p/b-", b("w" + i), CreateMode.PERSISTENT_SEQUENTIAL));
      }
      long head = await(c.request(new JsonObject().put("op", "info"))).getLong("zxid");
      InProcess.waitFor(() -> BridgeCrashTest.lastCheckpoint(kafka, "authproc.checkpoints") >= head,
          Duration.ofSeconds(60), () -> "bridge follows the restarted node: " + BridgeCrashTest.logOf(bridge));

      List<String> created = TopicReader.events(kafka.bootstrap(), "authproc.events").stream()
          .filter(r -> r.event().getPath() != null && r.event().getPath().startsWith("/p/"))
          .map(r -> r.event().getKind() + " " + r.event().getPath()).toList();
      assertThat(created).hasSize(100).doesNotHaveDuplicates().allMatch(x -> x.startsWith("NODE_CREATED"));
      String log = bridge.log();
      assertThat(log).contains("as digest:bridge").doesNotContain("bridge-secret").doesNotContain("AUTH_FAILED");
      await(c.close());
    } finally {
      await(vertx.close());
    }
  }

  static CoordinationClient writer(Vertx vertx, int port) {
    CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults()));
    await(c.addAuth("digest", "writer:writer-secret"));
    return c;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
