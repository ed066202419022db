package io.baton.vertx.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.process.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client bridge's per-connection limits, against a node in a child JVM configured with small
 * ones: connections per client address and in all, sessions per connection, requests in flight per
 * connection, bytes queued to a connection that does not read. Each refusal names its reason and its
 * configuration key.
 */
class BridgeConnectionLimitsTest {
  private static final int MAX_CONNECTIONS = 5;
  private static final int PER_ADDRESS = 3;
  private static final int SESSIONS = 2;
  private static final int INFLIGHT = 3;
  private static final int MAX_OUTBOUND = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  static Path tmp;
  private static ServerProcess server;
  private static int port;

  @BeforeAll
  static void startNode() throws Exception {
    Path config = tmp.resolve("limits.json");
    Files.writeString(config, new JsonObject().put("maxConnections", MAX_CONNECTIONS)
        .put("maxConnectionsPerAddress", PER_ADDRESS).put("maxSessionsPerConnection", SESSIONS)
        .put("maxInflightPerConnection", INFLIGHT).put("outboundHighWaterBytes", 256 << 10)
        .put("maxOutboundBytes", MAX_OUTBOUND).encode());
    port = ServerProcess.freePort();
    server = new ServerProcess(tmp.resolve("data"), port, "--durability", "none", "--config", config.toString())
        .start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void connectionsPerAddressAndInAllAreLimited() throws Exception {
    List<RawBridge> open = new ArrayList<>();
    try {
      // each waits until the node no longer counts connections other tests have closed
      for (int i = 0; i < PER_ADDRESS; i++) {
        open.add(RawBridge.admitted(port, "127.0.0.2"));
      }
      try (RawBridge refused = RawBridge.connect(port, "127.0.0.2")) {
        assertThat(refused.readUntilClosed(WAIT)).extracting(f -> f.getString("message")).singleElement()
            .asString().startsWith("too_many_connections").contains("maxConnectionsPerAddress");
      }
      for (int i = PER_ADDRESS; i < MAX_CONNECTIONS; i++) {
        open.add(RawBridge.admitted(port, "127.0.0.3"));
      }
      try (RawBridge refused = RawBridge.connect(port, "127.0.0.4")) {
        assertThat(refused.readUntilClosed(WAIT)).extracting(f -> f.getString("message")).singleElement()
            .asString().startsWith("too_many_connections").contains("(maxConnections)");
      }
      open.remove(0).close();
      open.add(RawBridge.admitted(port, "127.0.0.4"));
    } finally {
      for (RawBridge c : open) {
        c.close();
      }
    }
  }

  @Test
  void sessionsPerConnectionAreLimited() throws Exception {
    try (RawBridge c = RawBridge.admitted(port, null)) {
      List<JsonObject> sessions = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        sessions.add(c.ok(new JsonObject().put("op", "openSession")));
      }
      JsonObject refused = c.call(new JsonObject().put("op", "openSession"));
      assertThat(refused.getString("type")).isEqualTo("err");
      assertThat(refused.getInteger("failureCode")).isEqualTo(-127);
      assertThat(refused.getString("message")).startsWith("Throttled").contains("maxSessionsPerConnection");
      c.ok(new JsonObject().put("op", "closeSession").put("session", sessions.get(0).getString("session"))
          .put("secret", sessions.get(0).getString("secret")));
      assertThat(c.ok(new JsonObject().put("op", "openSession")).getString("session")).startsWith("0x");
    }
  }

  @Test
  void aConnectionWithTooManyRequestsInFlightIsNotReadUntilOneIsAnswered() throws Exception {
    try (RawBridge c = RawBridge.admitted(port, null)) {
      long t0 = System.nanoTime();
      for (int i = 0; i < INFLIGHT; i++) {
        // each waits (5 s) for a zxid the node has not reached, then fails with NotReady
        c.send(new JsonObject().put("op", "getData").put("path", "/").put("minZxid", Long.MAX_VALUE));
      }
      c.frame("{\"type\":\"ping\"}");
      // the ping is read only once one of them has been answered
      assertThat(c.read(WAIT).getString("type")).isEqualTo("err");
      List<String> rest = new ArrayList<>();
      long pongMs = -1;
      for (int i = 0; i < INFLIGHT; i++) {
        rest.add(c.read(WAIT).getString("type"));
        if (rest.get(i).equals("pong")) {
          pongMs = (System.nanoTime() - t0) / 1_000_000;
        }
      }
      assertThat(rest).containsExactlyInAnyOrder("err", "err", "pong");
      assertThat(pongMs).isGreaterThanOrEqualTo(4_000);
    }
  }

  @Test
  void aConnectionThatDoesNotReadItsNotificationsIsClosed() throws Exception {
    try (RawBridge deaf = RawBridge.admitted(port, null); RawBridge writer = RawBridge.admitted(port, null)) {
      JsonObject opened = deaf.ok(new JsonObject().put("op", "openSession").put("timeoutMs", 60_000));
      String session = opened.getString("session");
      String secret = opened.getString("secret");
      deaf.frame(new JsonObject().put("type", "register").put("address", "baton.session." + session)
          .put("headers", new JsonObject().put("secret", secret)));
      deaf.ok(new JsonObject().put("op", "addWatch").put("session", session).put("secret", secret).put("path", "/")
          .put("mode", "persistent_recursive"));
      // 1,000 NodeCreated notifications (~500 kB) per multi, for a client that reads none of them
      String longName = "n".repeat(300);
      for (int i = 0; i < 200 && !server.log().contains("not reading its replies"); i++) {
        JsonArray ops = new JsonArray();
        for (int j = 0; j < 1_000; j++) {
          ops.add(new JsonObject().put("op", "create").put("path", "/w" + i + "-" + j + longName));
        }
        writer.ok(new JsonObject().put("op", "multi").put("ops", ops));
      }
      assertThat(server.log()).containsPattern("closing bridge connection from 127\\.0\\.0\\.1: not reading its "
          + "replies \\(\\d+ bytes queued, maxOutboundBytes " + MAX_OUTBOUND + "\\)");
      deaf.readUntilClosed(Duration.ofSeconds(30));
      assertThat(writer.ok(new JsonObject().put("op", "exists").put("path", "/")).getMap()).containsKey("stat");
    }
  }
}
