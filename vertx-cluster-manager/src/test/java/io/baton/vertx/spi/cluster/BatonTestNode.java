package io.baton.vertx.spi.cluster;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One Baton node for the whole test JVM, on its own Vert.x instance with its TCP bridge on 127.0.0.1, and
 * cluster managers pointed at it. Each test takes a fresh path prefix, so tests never see each other's
 * nodes, maps, locks or counters.
 */
public final class BatonTestNode {
  /** Session timeout of the Vert.x nodes in tests: how long a killed node stays a member. */
  public static final int SESSION_TIMEOUT_MS = 5_000;
  private static int port;
  private static volatile String prefix = "/vertx-test";

  private BatonTestNode() {
  }

  /** Starts the node on first use. */
  public static synchronized int port() {
    if (port == 0) {
      try {
        Path dir = Files.createTempDirectory("baton-vcm");
        Vertx server = Vertx.vertx();
        int wanted = freePort();
        JsonObject config = new JsonObject().put("dataDir", dir.toString()).put("durability", "none")
            .put("bridgePort", wanted).put("bridgeHost", "127.0.0.1").put("adminPort", -1)
            .put("minSessionTimeoutMs", 1_000);
        port = Main.start(server, config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        warmUp(port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          server.close();
          delete(dir);
        }));
      } catch (Exception e) {
        throw new IllegalStateException("could not start the Baton node", e);
      }
    }
    return port;
  }

  /** One session's round trips, so the first Vert.x nodes do not meet a cold node (and time out on 2 cores). */
  private static void warmUp(int port) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CoordinationClient c = CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (int i = 0; i < 50; i++) {
        c.create("/warm-up", new byte[16], CreateMode.EPHEMERAL).compose(p -> c.getData(p, false))
            .compose(d -> c.delete("/warm-up", -1)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      c.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
  }

  /** A new prefix: the cluster managers created from now on form a new Vert.x cluster. */
  public static void newCluster() {
    prefix = "/vertx-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Options of a cluster manager of the current cluster. */
  public static BatonClusterOptions options() {
    return BatonClusterOptions.defaults().withServers(List.of("127.0.0.1:" + port())).withPrefix(prefix)
        .withSessionTimeout(SESSION_TIMEOUT_MS);
  }

  public static BatonClusterManager clusterManager() {
    return new BatonClusterManager(options());
  }

  private static int freePort() throws IOException {
    return BatonClusterProcesses.freePort();
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory; the OS cleans it eventually
    }
  }
}
