package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.spi.cluster.impl.Layout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault test in one piece, on a 3-node Baton cluster of child processes: clustered Vert.x instances A
 * (its Baton session on the leader) and B in this JVM, C in a child JVM answering A's event-bus requests.
 * (a) The Baton leader is killed with {@code kill -9} under that load: the requests keep being answered, no
 * Vert.x node is told another left, and the cluster manager still serves afterwards (a new consumer is
 * found, a lock is taken). (b) C is killed with {@code kill -9}: A and B are told it left within its session
 * timeout and {@link #MARGIN_MS}, and its registrations are gone from the registry.
 */
class ClusterFaultTest {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFaultTest.class);
  private static final int SESSION_TIMEOUT_MS = 10_000;
  /**
   * From C's death to A and B being told, beyond the session timeout (counted from C's last heartbeat, so
   * before the kill): the leader's expiry check (every 100 ms tick), the expiry's commit on a quorum, the
   * watch event and the members' listing (one round trip each), and the listener thread. Well under a
   * second when idle; 3 s leaves room for a 2-core machine shared with the three Baton JVMs.
   */
  private static final long MARGIN_MS = 3_000;
  @TempDir
  Path root;
  private List<CutProxy> proxies = List.of();

  @Test
  void leaderAndVertxNodeKilledWithKill9() throws Exception {
    Vertx tools = Vertx.vertx();
    try (BatonClusterProcesses baton = new BatonClusterProcesses(root, 3)) {
      BatonClusterOptions options = BatonClusterOptions.defaults().withServers(baton.addresses())
          .withPrefix("/vertx-faults").withSessionTimeout(SESSION_TIMEOUT_MS);
      try (VertxNodeProcess c = new VertxNodeProcess(root, options)) {
        int leader = leader(tools, baton);
        LOG.info("Baton cluster up, node {} leads", leader);
        Vertx a = onNode(leader, baton, options);
        Vertx b = await(Vertx.builder().withClusterManager(new RecordingClusterManager(options)).buildClustered());
        try {
          RecordingClusterManager aCm = clusterManager(a);
          RecordingClusterManager bCm = clusterManager(b);
          String cId = c.awaitReady();
          LOG.info("A, B and C joined");
          Set<String> ours = Set.of(aCm.getNodeId(), bCm.getNodeId(), cId);

          // (a) the Baton leader dies under event-bus load from A to C
          AtomicLong answered = new AtomicLong();
          AtomicBoolean running = new AtomicBoolean(true);
          a.setPeriodic(5, id -> {
            if (!running.get()) {
              a.cancelTimer(id);
              return;
            }
            a.eventBus().request(VertxNodeProcess.ECHO, answered.get()).onSuccess(r -> answered.incrementAndGet());
          });
          Thread.sleep(2_000);
          long before = answered.get();
          baton.kill9(leader);
          LOG.info("leader killed");
          Thread.sleep(8_000);
          long after = answered.get();
          running.set(false);

          assertThat(before).isPositive();
          assertThat(after - before).as("requests answered in the 8 s after the leader's death").isGreaterThan(100);
          assertThat(aCm.left().keySet()).as("nodes A was told left").doesNotContainAnyElementsOf(ours);
          assertThat(bCm.left().keySet()).as("nodes B was told left").doesNotContainAnyElementsOf(ours);
          assertThat(c.left()).as("nodes C was told left").doesNotContainAnyElementsOf(ours);
          await(a.eventBus().<String>consumer("late", m -> m.reply("here")).completion());
          assertThat(await(b.eventBus().<String>request("late", "?")).body()).isEqualTo("here");
          await(b.sharedData().getLockWithTimeout("after-failover", 10_000)).release();

          // (b) C dies: gone within its session timeout, with its registrations
          assertThat(registrations(aCm)).extracting(RegistrationInfo::nodeId).containsExactly(cId);
          long killed = System.nanoTime();
          c.kill9();
          long deadline = System.currentTimeMillis() + SESSION_TIMEOUT_MS + 30_000;
          while (!(aCm.left().containsKey(cId) && bCm.left().containsKey(cId))
              && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
          }
          for (RecordingClusterManager survivor : List.of(aCm, bCm)) {
            Long seen = survivor.left().get(cId);
            assertThat(seen).as("C seen as left by " + survivor.getNodeId()).isNotNull();
            long ms = TimeUnit.NANOSECONDS.toMillis(seen - killed);
            LOG.info("C seen as left {} ms after kill -9 (session timeout {} ms)", ms, SESSION_TIMEOUT_MS);
            assertThat(ms).as("ms from C's kill -9 to nodeLeft").isLessThan(SESSION_TIMEOUT_MS + MARGIN_MS);
            assertThat(survivor.left().keySet()).as("nodes told left").filteredOn(ours::contains)
                .containsExactly(cId);
          }
          assertThat(registrations(aCm)).as("C's registrations, as the cluster manager reads them").isEmpty();
          assertThat(subscriptionNodes(tools, baton.clientPort(leader % 3 + 1), options))
              .as("registration nodes in Baton").noneMatch(name -> name.startsWith(cId));
        } finally {
          await(a.close());
          await(b.close());
        }
      }
    } finally {
      for (CutProxy p : proxies) {
        p.close();
      }
      await(tools.close());
    }
  }

  private static RecordingClusterManager clusterManager(Vertx v) {
    return (RecordingClusterManager) ((VertxInternal) v).clusterManager();
  }

  /** The registrations of {@value VertxNodeProcess#ECHO}, as Vert.x asks the cluster manager for them. */
  private static List<RegistrationInfo> registrations(ClusterManager cm) throws Exception {
    Promise<List<RegistrationInfo>> p = Promise.promise();
    cm.getRegistrations(VertxNodeProcess.ECHO, p);
    return await(p.future());
  }

  /** The names of the registration nodes of {@value VertxNodeProcess#ECHO} in Baton's tree. */
  private static List<String> subscriptionNodes(Vertx vertx, int port, BatonClusterOptions o) throws Exception {
    CoordinationClient client = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
        ClientOptions.defaults()));
    try {
      return await(client.getChildren(new Layout(o.prefix()).subsOf(VertxNodeProcess.ECHO), false)
          .<List<String>>map(children -> children.names())
          .recover(t -> t instanceof BatonException e && e.code() == ErrorCode.NO_NODE
              ? Future.succeededFuture(List.of()) : Future.failedFuture(t)));
    } finally {
      client.close();
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
      Vertx v = await(Vertx.builder().withClusterManager(new RecordingClusterManager(viaProxies))
          .buildClustered());
      if (proxies.get(id - 1).activeConnections() == 1) {
        LOG.info("A on node {} at attempt {}", id, attempt + 1);
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
