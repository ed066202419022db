package io.baton.vertx.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile shapes against a real node process through the TCP bridge: a tree as deep as the path
 * limit allows still snapshots, digests and restarts; rapid client snapshots are throttled; tens of
 * thousands of requests parked on a future {@code minZxid} neither pile up without bound nor stall
 * another client when they time out. One node process serves the whole class (in this order); the
 * deep-tree test restarts it last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShapeAttackTest {
  @TempDir
  static Path tmp;
  private Vertx vertx;
  private Path data;
  private int port;
  private ServerProcess server;

  @BeforeAll
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    data = tmp.resolve("data");
    port = ServerProcess.freePort();
    server = new ServerProcess(data, port).start();
  }

  @AfterAll
  void tearDown() throws Exception {
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Transport connect(Vertx on, int port) throws Exception {
    return get(BridgeTransport.connect(on, "127.0.0.1", port, ClientOptions.defaults()));
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }

  @Test
  @Order(3)
  void aTreeAsDeepAsPathsAllowSnapshotsDigestsAndRestarts() throws Exception {
    Transport t = connect(vertx, port);
    long nodesBefore = get(t.request(op("digest"))).getLong("nodes");
    // 2,000 levels of "/d": a 4,000-byte path at the bottom, under the 4,096-byte limit
    int depth = 2_000;
    List<Future<JsonObject>> creates = new ArrayList<>();
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      path.append("/d");
      creates.add(t.request(op("create").put("path", path.toString()).put("text", "level " + i)));
    }
    for (Future<JsonObject> f : creates) {
      get(f);
    }
    JsonObject digest = get(t.request(op("digest")));
    assertThat(digest.getLong("nodes")).isEqualTo(nodesBefore + depth);
    // a snapshot the node takes itself, as a client's one may be throttled by the earlier test
    get(t.request(op("snapshot")).recover(e -> Future.succeededFuture()));
    long snap = get(t.request(op("info"))).getLong("zxid");
    assertThat(snap).isEqualTo(digest.getLong("zxid"));
    get(t.close());

    server.stop();
    server.start();
    t = connect(vertx, port);
    assertThat(get(t.request(op("digest")))).isEqualTo(digest);
    assertThat(get(t.request(op("getData").put("path", path.toString()))).getString("data"))
        .isEqualTo(java.util.Base64.getEncoder().encodeToString(("level " + (depth - 1)).getBytes()));
    // the restarted node snapshots it again (a new process: no client snapshot yet)
    get(t.request(op("create").put("path", "/after")));
    assertThat(get(t.request(op("snapshot"))).getLong("zxid")).isGreaterThan(snap);
    get(t.close());
  }

  @Test
  @Order(1)
  void rapidClientSnapshotsAreThrottled() throws Exception {
    Transport t = connect(vertx, port);
    get(t.request(op("create").put("path", "/x").put("text", "x")));
    int taken = 0;
    int throttled = 0;
    for (int i = 0; i < 50; i++) {
      get(t.request(op("setData").put("path", "/x").put("text", "v" + i)));
      try {
        get(t.request(op("snapshot")));
        taken++;
      } catch (ExecutionException e) {
        assertThat(((BatonException) e.getCause()).code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(e.getCause().getMessage()).contains("snapshotMinIntervalMs");
        throttled++;
      }
    }
    assertThat(taken).isEqualTo(1);
    assertThat(throttled).isEqualTo(49);
    try (Stream<Path> files = Files.list(data.resolve("snapshots"))) {
      assertThat(files.count()).isEqualTo(1);
    }
    get(t.close());
  }

  @Test
  @Order(2)
  void parkedMinZxidRequestsAreBoundedAndDoNotStallOthers() throws Exception {
    Vertx probeVertx = Vertx.vertx();
    try {
      Transport probe = connect(probeVertx, port);
      get(probe.request(op("create").put("path", "/p").put("text", "p")));
      long start = System.nanoTime();
      long far = get(probe.request(op("info"))).getLong("zxid") + 1_000_000_000L;

      // 24,300 reads waiting for a zxid the node will not reach, over 27 connections
      List<Future<JsonObject>> parked = new ArrayList<>();
      List<Transport> attackers = new ArrayList<>();
      for (int c = 0; c < 27; c++) {
        Transport a = connect(vertx, port);
        attackers.add(a);
        for (int i = 0; i < 900; i++) {
          parked.add(a.request(op("exists").put("path", "/p").put("minZxid", far)));
        }
      }
      long sent = System.nanoTime();
      // the node holds at most maxParkedRequests (10,000); the rest are refused at once. Wait until
      // every request has arrived (parked or answered): taking in 24,300 requests delays others by
      // itself, first come first served; what must not stall them is holding and timing out the parked
      int mostParked = 0;
      while (true) {
        int now = get(probe.request(op("info"))).getInteger("parkedRequests");
        mostParked = Math.max(mostParked, now);
        if (now + parked.stream().filter(Future::isComplete).count() == parked.size()) {
          break;
        }
        assertThat((System.nanoTime() - sent) / 1_000_000).as("ms until every request arrived").isLessThan(30_000);
        Thread.sleep(50);
      }
      long worstMs = 0;
      while (!parked.stream().allMatch(Future::isComplete)) {
        long t0 = System.nanoTime();
        get(probe.request(op("getData").put("path", "/p")));
        worstMs = Math.max(worstMs, (System.nanoTime() - t0) / 1_000_000);
        mostParked = Math.max(mostParked, get(probe.request(op("info"))).getInteger("parkedRequests"));
        assertThat((System.nanoTime() - sent) / 1_000_000).as("ms until every parked request is answered")
            .isLessThan(30_000);
        Thread.sleep(20);
      }
      int throttled = 0;
      int notReady = 0;
      for (Future<JsonObject> f : parked) {
        ErrorCode code = ((BatonException) f.cause()).code();
        if (code == ErrorCode.THROTTLED) {
          throttled++;
        } else if (code == ErrorCode.NOT_READY) {
          notReady++;
        }
      }
      assertThat(mostParked).isLessThanOrEqualTo(10_000);
      assertThat(notReady + throttled).isEqualTo(parked.size());
      // 10,000 wait at most, so the rest are refused at once (more are parked as earlier ones time out,
      // if sending them all takes longer than the 5 s wait)
      assertThat(throttled).as("refused at once").isPositive();
      // stated bound: another client's read never waited 2 s while they were parked and expired
      assertThat(worstMs).as("worst getData latency of another client, ms").isLessThan(2_000);
      System.out.printf("parked attack: %d requests, %d throttled, worst probe latency %d ms, %d ms in all%n",
          parked.size(), throttled, worstMs, (System.nanoTime() - start) / 1_000_000);
      assertThat(get(probe.request(op("info"))).getInteger("parkedRequests")).isZero();
      for (Transport a : attackers) {
        get(a.close());
      }
      get(probe.close());
    } finally {
      probeVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
