package io.baton.vertx.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client bridge under attack, against a node in a child JVM with a {@value #HEAP_MB} MiB heap: impossible
 * frame lengths, a sender that stops mid-frame, change streams from zxid 0 that are never read,
 * pipelined 1 MB reads that are never read, and every kind of malformed frame. The node must stay
 * up, keep answering another client (getData p99 under {@value #P99_BOUND_MS} ms, a generous bound
 * for a 2-core machine), answer each malformed frame with an err frame and one log line, and never
 * log a stack trace for bad input.
 */
class BridgeAttackTest {
  private static final long P99_BOUND_MS = 500;
  private static final int HEAP_MB = 128;
  private static final int FRAME_TIMEOUT_MS = 1_000;
  private static final int HELD_EVENTS = 1_000;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  static Path tmp;
  private static ServerProcess server;
  private static int port;

  @BeforeAll
  static void startNode() throws Exception {
    Path config = tmp.resolve("limits.json");
    Files.writeString(config, new JsonObject().put("frameTimeoutMs", FRAME_TIMEOUT_MS)
        .put("maxStreamBufferEvents", HELD_EVENTS).encode());
    port = ServerProcess.freePort();
    server = new ServerProcess(tmp.resolve("data"), port, "--durability", "none", "--config", config.toString())
        .jvmFlags("-Xmx" + HEAP_MB + "m").start();
    try (RawBridge c = RawBridge.connect(port)) {
      c.ok(op("create").put("path", "/small").put("text", "hello"));
    }
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void impossibleFrameLengthsAreRefusedAndTheConnectionClosed() throws Exception {
    for (int length : new int[] {Integer.MAX_VALUE, 0, -1, Integer.MIN_VALUE}) {
      try (RawBridge attacker = RawBridge.connect(port)) {
        attacker.bytes(RawBridge.header(length));
        attacker.bytes(new byte[1000]);
        List<JsonObject> frames = attacker.readUntilClosed(WAIT);
        assertThat(frames).as("length %d", length).hasSize(1);
        assertThat(frames.get(0).getString("type")).isEqualTo("err");
        assertThat(frames.get(0).getString("message")).startsWith("invalid_frame_length")
            .contains("frame length " + length).contains("maxFrameBytes");
      }
    }
    try (RawBridge other = RawBridge.connect(port)) {
      assertThat(other.ok(op("getData").put("path", "/small")).getString("data")).isEqualTo("aGVsbG8=");
    }
    assertThat(server.isAlive()).isTrue();
  }

  @Test
  void aSenderThatStopsMidFrameIsCutOff() throws Exception {
    List<byte[]> beginnings = List.of(RawBridge.header(100), new byte[] {0, 0, 0, 100, '{', '"'}, new byte[] {0, 0});
    for (byte[] begun : beginnings) {
      try (RawBridge slow = RawBridge.connect(port)) {
        slow.bytes(begun);
        long t0 = System.nanoTime();
        List<JsonObject> frames = slow.readUntilClosed(Duration.ofMillis(FRAME_TIMEOUT_MS * 5L));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(frames).extracting(f -> f.getString("message")).singleElement().asString()
            .startsWith("frame_timeout").contains("frameTimeoutMs");
        assertThat(tookMs).isGreaterThanOrEqualTo(FRAME_TIMEOUT_MS - 100);
      }
    }
    // a frame that trickles in, a byte at a time, is cut off all the same
    try (RawBridge trickle = RawBridge.connect(port)) {
      trickle.bytes(RawBridge.header(100));
      boolean cutOff = false;
      for (int i = 0; i < 4 * FRAME_TIMEOUT_MS / 100 && !cutOff; i++) {
        Thread.sleep(100);
        try {
          trickle.bytes(new byte[] {' '});
        } catch (java.io.IOException closedByServer) {
          cutOff = true;
        }
      }
      assertThat(cutOff).as("cut off while still sending").isTrue();
    }
    // a connection that sends nothing is not a slow sender
    try (RawBridge idle = RawBridge.connect(port)) {
      Thread.sleep(FRAME_TIMEOUT_MS + 500);
      assertThat(idle.ok(op("getData").put("path", "/small")).getMap()).containsKey("stat");
    }
  }

  @Test
  void malformedFramesGetAnErrFrameAndOneLogLineAndTheConnectionStaysUsable() throws Exception {
    String deep = "{\"type\":\"send\",\"address\":\"baton\",\"body\":" + "[".repeat(1_001) + "]".repeat(1_001) + "}";
    Map<String, String> plain = new java.util.LinkedHashMap<>();
    plain.put("{not json", "invalid_json");
    plain.put("[1,2,3]", "invalid_frame: a frame must be a JSON object");
    plain.put("\"text\"", "invalid_frame: a frame must be a JSON object");
    plain.put(deep, "nesting depth");
    plain.put("{\"type\":\"fetch\",\"address\":\"baton\"}", "unknown_type");
    plain.put("{\"address\":\"baton\"}", "unknown_type");
    plain.put("{\"type\":\"send\"}", "missing_address");
    plain.put("{\"type\":\"send\",\"address\":7}", "invalid_address");
    plain.put("{\"type\":\"send\",\"address\":\"baton\",\"replyAddress\":7}", "invalid_frame: 'replyAddress'");
    plain.put("{\"type\":\"publish\",\"address\":\"elsewhere\",\"body\":{}}", "access_denied");
    plain.put("{\"type\":\"register\",\"address\":\"baton\"}", "access_denied");
    plain.put("{\"type\":\"register\",\"address\":\"other.session.0x1\"}", "access_denied");
    plain.put("{\"type\":\"register\",\"address\":\"baton.session.0x1\"}", "access_denied: registering for the"
        + " notifications of session 0x1 needs its secret");
    plain.put("{\"type\":\"register\",\"address\":\"baton.session.0x1\",\"headers\":{\"secret\":\""
        + "00".repeat(16) + "\"}}", "access_denied: registering");
    plain.put("{\"type\":\"register\",\"address\":\"baton.session.nothex\"}", "does not name a session");
    plain.put("{\"type\":\"unregister\",\"address\":\"baton.session.0x99\"}", "unknown_address");
    plain.put("{\"type\":\"send\",\"address\":\"baton\",\"headers\":[1]}", "invalid_headers");
    try (RawBridge c = RawBridge.connect(port)) {
      for (Map.Entry<String, String> e : plain.entrySet()) {
        c.frame(e.getKey());
        JsonObject err = c.read(WAIT);
        assertThat(err.getString("type")).as(e.getKey()).isEqualTo("err");
        assertThat(err.getString("address")).as(e.getKey()).isNull();
        assertThat(err.getString("message")).as(e.getKey()).contains(e.getValue());
        c.frame("{\"type\":\"ping\"}");
        assertThat(c.read(WAIT).getString("type")).as("usable after " + e.getKey()).isEqualTo("pong");
      }
      // a request with a reply address gets its refusal as that reply's failure
      JsonObject badHeaders = new JsonObject().put("type", "send").put("address", "baton").put("replyAddress", "q1")
          .put("headers", new JsonObject().put("h", new JsonObject())).put("body", op("getData").put("path", "/"));
      c.frame(badHeaders);
      JsonObject refused = c.read(WAIT);
      assertThat(refused.getString("type")).isEqualTo("err");
      assertThat(refused.getString("address")).isEqualTo("q1");
      assertThat(refused.getInteger("failureCode")).isEqualTo(-8);
      assertThat(refused.getString("message")).startsWith("invalid_headers");
      c.frame(new JsonObject().put("type", "send").put("address", "elsewhere").put("replyAddress", "q2")
          .put("body", new JsonObject()));
      JsonObject denied = c.read(WAIT);
      assertThat(denied.getString("address")).isEqualTo("q2");
      assertThat(denied.getString("message")).startsWith("access_denied");
      // a session given as a JSON number is refused, not truncated (1.5 -> 0x1)
      JsonObject numeric = c.call(op("getData").put("path", "/small").put("session", 1.5));
      assertThat(numeric.getString("type")).isEqualTo("err");
      assertThat(numeric.getInteger("failureCode")).isEqualTo(-8);
      assertThat(numeric.getString("message")).contains("session");
      assertThat(c.ok(op("getData").put("path", "/small")).getMap()).containsKey("stat");
    }
    String log = server.log();
    assertThat(log.lines().filter(l -> l.contains("refused a frame from")).count())
        .isGreaterThanOrEqualTo(plain.size() + 2);
    assertThat(log).doesNotContain("\tat ");
  }

  @Test
  void unreadChangeStreamsFromZeroStayBoundedAndALateReaderGetsEveryChangeOnce() throws Exception {
    String text = "x".repeat(2_048);
    int nodes = 100;
    int entries = 200;
    try (RawBridge writer = RawBridge.connect(port)) {
      writer.ok(op("create").put("path", "/s"));
      for (int i = 0; i < nodes; i++) {
        writer.ok(op("create").put("path", "/s/n" + i));
      }
      writeMultis(writer, entries, nodes, text);
      // a 40 MB log: three streams from zxid 0 (about 60 MB of change frames each) that nobody reads
      List<RawBridge> streams = new ArrayList<>();
      try {
        for (int k = 0; k < 3; k++) {
          RawBridge s = RawBridge.connect(port);
          streams.add(s);
          JsonObject opened = s.ok(op("openSession").put("timeoutMs", 60_000));
          String session = opened.getString("session");
          s.frame(new JsonObject().put("type", "register").put("address", "baton.session." + session)
              .put("headers", new JsonObject().put("secret", opened.getString("secret"))));
          s.ok(op("openStream").put("session", session).put("secret", opened.getString("secret")).put("fromZxid", 0)
              .put("stream", "k" + k));
        }
        Thread.sleep(1_000);
        // more changes while they are paused than a paused stream holds: it must go back to the log
        writeMultis(writer, 2 * HELD_EVENTS / nodes, nodes, text);
        try (RawBridge probe = RawBridge.connect(port)) {
          assertThat(p99Millis(probe, 200)).isLessThan(P99_BOUND_MS);
        }
        assertThat(server.isAlive()).isTrue();
        long last = writer.ok(op("sync").put("path", "/")).getLong("zxid");

        RawBridge reader = streams.get(0);
        List<JsonObject> frames = new ArrayList<>(reader.unclaimed());
        Map<Long, Integer> changesPerEntry = new HashMap<>();
        long previous = -1;
        boolean entryEnded = true;
        while (true) {
          JsonObject f = frames.isEmpty() ? reader.read(Duration.ofSeconds(30)) : frames.remove(0);
          JsonObject change = f.getJsonObject("body");
          if (change == null || !"change".equals(change.getString("type"))) {
            continue;
          }
          long zxid = change.getLong("zxid");
          if (previous >= 0 && zxid != previous) {
            assertThat(entryEnded).as("entry 0x%x ended before 0x%x", previous, zxid).isTrue();
            assertThat(zxid).as("the entry after 0x%x", previous).isEqualTo(previous + 1);
          } else if (previous >= 0) {
            assertThat(entryEnded).as("a change of 0x%x after its end", zxid).isFalse();
          }
          previous = zxid;
          entryEnded = change.getBoolean("endOfEntry");
          if (change.getString("path", "").startsWith("/s/") && "NODE_DATA_CHANGED".equals(change.getString("kind"))) {
            changesPerEntry.merge(zxid, 1, Integer::sum);
          }
          if (zxid == last && entryEnded) {
            break;
          }
        }
        assertThat(changesPerEntry).hasSize(entries + 2 * HELD_EVENTS / nodes);
        assertThat(changesPerEntry.values()).allMatch(n -> n == nodes);
        assertThat(server.isAlive()).isTrue();
      } finally {
        for (RawBridge s : streams) {
          s.close();
        }
      }
    }
  }

  @Test
  void pipelinedMegabyteReadsThatAreNeverReadDoNotStarveOthers() throws Exception {
    try (RawBridge setup = RawBridge.connect(port)) {
      setup.ok(op("create").put("path", "/big").put("text", "b".repeat(1_000_000)));
    }
    try (RawBridge greedy = RawBridge.connect(port)) {
      for (int i = 0; i < 300; i++) {
        greedy.send(op("getData").put("path", "/big"));
      }
      Thread.sleep(500);
      try (RawBridge probe = RawBridge.connect(port)) {
        assertThat(p99Millis(probe, 200)).isLessThan(P99_BOUND_MS);
      }
      assertThat(server.isAlive()).isTrue();
      // the greedy connection was only paused: reading on, it gets its replies in order
      for (int i = 0; i < 5; i++) {
        JsonObject reply = greedy.read(WAIT);
        assertThat(reply.getString("address")).isEqualTo("r" + (i + 1));
        assertThat(reply.getJsonObject("body").getJsonObject("stat").getInteger("dataLength")).isEqualTo(1_000_000);
      }
    }
    assertThat(server.log()).doesNotContain("OutOfMemoryError");
  }

  @Test
  void theClientSeesWhyTheBridgeClosedItsConnectionAndIgnoresErrorsOfNoRequest() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<Transport> connected = Promise.promise();
      vertx.runOnContext(v -> BridgeTransport.connect(vertx, "127.0.0.1", port, ClientOptions.defaults())
          .onComplete(connected));
      Transport transport = connected.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      // a refused register names no request: the request sent after it is still answered
      transport.subscribe("elsewhere", null, body -> { });
      JsonObject data = transport.request(op("getData").put("path", "/small")).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(data.getString("data")).isEqualTo("aGVsbG8=");
      // a frame over maxFrameBytes: the bridge closes the connection and says why
      Throwable closed = transport.request(op("create").put("path", "/huge").put("text", "h".repeat(9 << 20)))
          .toCompletionStage().toCompletableFuture().handle((r, t) -> t).get(10, TimeUnit.SECONDS);
      assertThat(closed).isNotNull();
      assertThat(closed.getMessage()).contains("closed").contains("invalid_frame_length").contains("maxFrameBytes");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void writeMultis(RawBridge writer, int entries, int nodes, String text) throws Exception {
    int window = 20;
    for (int done = 0; done < entries; done += window) {
      List<String> replies = new ArrayList<>();
      for (int i = done; i < Math.min(entries, done + window); i++) {
        JsonArray ops = new JsonArray();
        for (int n = 0; n < nodes; n++) {
          ops.add(new JsonObject().put("op", "setData").put("path", "/s/n" + n).put("text", text));
        }
        replies.add(writer.send(op("multi").put("ops", ops)));
      }
      for (String reply : replies) {
        JsonObject f = writer.read(WAIT);
        assertThat(f.getString("address")).isEqualTo(reply);
        assertThat(f.getString("type")).isEqualTo("message");
      }
    }
  }

  private static long p99Millis(RawBridge probe, int requests) throws Exception {
    long[] took = new long[requests];
    for (int i = 0; i < requests; i++) {
      long t0 = System.nanoTime();
      assertThat(probe.ok(op("getData").put("path", "/small")).getMap()).containsKey("stat");
      took[i] = (System.nanoTime() - t0) / 1_000_000;
    }
    java.util.Arrays.sort(took);
    return took[(int) Math.ceil(requests * 0.99) - 1];
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }
}
