package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.log.LogOptions;
import io.baton.core.server.Recovery;
import io.baton.core.server.StateDigest;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real Baton process, drives concurrent writers through the TCP bridge, kills the process
 * with SIGKILL mid-load, restarts it and checks that every acknowledged write is there and that the
 * recovered state equals the state rebuilt by replaying the log alone.
 */
class CrashRecoveryTest {
  private static final int WRITERS = 4;
  private static final int IN_FLIGHT = 16;

  @TempDir
  Path tmp;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"group", "none", "always"})
  void everyAcknowledgedWriteSurvivesKill9(String durability) throws Exception {
    Path data = tmp.resolve("data");
    int port = ServerProcess.freePort();
    try (ServerProcess server = new ServerProcess(data, port, "--durability", durability).start()) {
      CoordinationClient setup = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
          ClientOptions.defaults().withSessionTimeout(60_000)));
      await(setup.create("/crash", new byte[0], CreateMode.PERSISTENT));
      for (int w = 0; w < WRITERS; w++) {
        await(setup.create("/counter-" + w, "0".getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));
      }

      Set<String> acked = ConcurrentHashMap.newKeySet();
      AtomicLong[] counters = new AtomicLong[WRITERS];
      AtomicBoolean stop = new AtomicBoolean();
      for (int w = 0; w < WRITERS; w++) {
        counters[w] = new AtomicLong();
        CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
            ClientOptions.defaults().withSessionTimeout(60_000)));
        AtomicLong seq = new AtomicLong();
        int writer = w;
        for (int i = 0; i < IN_FLIGHT; i++) {
          vertx.runOnContext(v -> writeLoop(c, writer, seq, acked, counters[writer], stop));
        }
      }
      long deadline = System.currentTimeMillis() + 20_000;
      while (acked.size() < 2_000 && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      server.kill9();
      stop.set(true);
      int ackedAtKill = acked.size();
      assertThat(ackedAtKill).as("writes acknowledged before the kill").isGreaterThan(100);

      server.start();
      CoordinationClient check = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
          ClientOptions.defaults()));
      Set<String> present = new HashSet<>(await(check.getChildren("/crash", false)).names());
      Set<String> ackedNames = new HashSet<>();
      acked.forEach(p -> ackedNames.add(p.substring("/crash/".length())));
      assertThat(present).as("acknowledged creates after restart").containsAll(ackedNames);
      for (int w = 0; w < WRITERS; w++) {
        long value = Long.parseLong(new String(await(check.getData("/counter-" + w, false)).data(),
            StandardCharsets.UTF_8));
        assertThat(value).as("counter %d holds at least its last acknowledged value", w)
            .isGreaterThanOrEqualTo(counters[w].get());
      }
      await(check.close());

      Transport raw = await(BridgeTransport.connect(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      JsonObject live = await(raw.request(new JsonObject().put("v", 1).put("op", "digest")));
      await(raw.close());
      server.stop();

      Recovery.Recovered replayed = Recovery.replayLogOnly(data, LogOptions.defaults());
      replayed.log().close();
      StateDigest offline = StateDigest.of(replayed);
      assertThat(Long.toHexString(offline.treeDigest())).isEqualTo(live.getString("digest"));
      assertThat(offline.zxid()).isEqualTo(live.getLong("zxid"));
      assertThat(offline.nodeCount()).isEqualTo(live.getLong("nodes"));

      Recovery.Recovered recovered = Recovery.recover(data, LogOptions.defaults());
      recovered.log().close();
      assertThat(StateDigest.of(recovered)).isEqualTo(offline);
    }
  }

  private void writeLoop(CoordinationClient c, int writer, AtomicLong seq, Set<String> acked, AtomicLong counter,
                         AtomicBoolean stop) {
    if (stop.get()) {
      return;
    }
    long n = seq.incrementAndGet();
    Future<?> op;
    if (n % 4 == 0) {
      op = c.setData("/counter-" + writer, Long.toString(n).getBytes(StandardCharsets.UTF_8), -1)
          .onSuccess(s -> counter.accumulateAndGet(n, Math::max));
    } else {
      String path = "/crash/w" + writer + "-" + n;
      op = c.create(path, ("v" + n).getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT)
          .onSuccess(p -> acked.add(p));
    }
    op.onComplete(r -> {
      if (r.succeeded()) {
        writeLoop(c, writer, seq, acked, counter, stop);
      }
    });
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

}
