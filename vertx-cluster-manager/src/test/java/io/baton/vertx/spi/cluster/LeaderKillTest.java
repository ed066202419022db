package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered Vert.x instances on a 3-node Baton cluster, exchanging event-bus requests while the Baton
 * leader, the node the requesting instance's session is on, is killed with {@code kill -9}: the requests keep being answered, neither instance sees the other
 * leave, and the cluster manager still serves afterwards (a new consumer is found, a lock is taken).
 */
class LeaderKillTest {
  @TempDir
  Path root;
  private List<CutProxy> proxies = List.of();

  @Test
  void eventBusTrafficAndMembershipSurviveTheLeadersDeath() throws Exception {
    Vertx tools = Vertx.vertx();
    try (BatonClusterProcesses baton = new BatonClusterProcesses(root, 3)) {
      BatonClusterOptions options = BatonClusterOptions.defaults().withServers(baton.addresses())
          .withPrefix("/vertx-leader-kill").withSessionTimeout(10_000);
      int leader = leader(tools, baton);
      Vertx a = onNode(leader, baton, options);
      Vertx b = await(Vertx.builder().withClusterManager(new BatonClusterManager(options)).buildClustered());
      try {
        await(b.eventBus().<Long>consumer("echo", m -> m.reply(m.body())).completion());
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean peerLost = new AtomicBoolean();
        String bId = ((io.vertx.core.internal.VertxInternal) b).clusterManager().getNodeId();
        String aId = ((io.vertx.core.internal.VertxInternal) a).clusterManager().getNodeId();
        a.setPeriodic(5, id -> {
          if (!running.get()) {
            a.cancelTimer(id);
            return;
          }
          a.eventBus().request("echo", answered.get())
              .onSuccess(r -> answered.incrementAndGet()).onFailure(t -> failed.incrementAndGet());
          if (!((io.vertx.core.internal.VertxInternal) a).clusterManager().getNodes().contains(bId)
              || !((io.vertx.core.internal.VertxInternal) b).clusterManager().getNodes().contains(aId)) {
            peerLost.set(true);
          }
        });
        Thread.sleep(2_000);
        long before = answered.get();
        baton.kill9(leader);
        Thread.sleep(8_000);
        long after = answered.get();
        running.set(false);

        assertThat(before).isPositive();
        assertThat(after - before).as("requests answered in the 8 s after the leader's death").isGreaterThan(100);
        assertThat(peerLost).as("a Vert.x node saw the other leave").isFalse();
        await(a.eventBus().<String>consumer("late", m -> m.reply("here")).completion());
        assertThat(await(b.eventBus().<String>request("late", "?")).body()).isEqualTo("here");
        await(b.sharedData().getLockWithTimeout("after-failover", 10_000)).release();
      } finally {
        await(a.close());
        await(b.close());
      }
    } finally {
      for (CutProxy p : proxies) {
        p.close();
      }
      await(tools.close());
    }
  }

  /**
   * A clustered Vert.x instance whose Baton client is connected to node {@code id}: it reaches the nodes
   * through proxies, which tell where its connection went (the client starts on a random node).
   */
  private Vertx onNode(int id, BatonClusterProcesses baton, BatonClusterOptions options) throws Exception {
    List<CutProxy> proxies = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      proxies.add(new CutProxy(baton.clientPort(n)));
    }
    this.proxies = proxies;
    BatonClusterOptions viaProxies = options.withServers(proxies.stream().map(p -> "127.0.0.1:" + p.port()).toList());
    for (int attempt = 0; attempt < 40; attempt++) {
      Vertx v = await(Vertx.builder().withClusterManager(new BatonClusterManager(viaProxies)).buildClustered());
      if (proxies.get(id - 1).activeConnections() == 1) {
        return v;
      }
      await(v.close());
    }
    throw new IllegalStateException("no client connected to Baton node " + id);
  }

  /** The id of the node every node names as the leader (the cluster may still be electing one at first). */
  private static int leader(Vertx vertx, BatonClusterProcesses baton) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        List<Long> named = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
          CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", baton.clientPort(id),
              ClientOptions.defaults()));
          try {
            named.add(await(c.request(new JsonObject().put("op", "info"))).getLong("leader", 0L));
          } finally {
            c.close();
          }
        }
        if (named.get(0) > 0 && named.stream().distinct().count() == 1) {
          return named.get(0).intValue();
        }
      } catch (Exception e) {
        // electing: try again
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no agreed Baton leader");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
