package io.baton.kafka.support;

import io.baton.vertx.spi.cluster.BatonClusterManager;
import io.baton.vertx.spi.cluster.BatonClusterOptions;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A clustered Vert.x node for a child JVM ({@link ChildProcess}), its cluster manager a
 * {@link BatonClusterManager} on one Baton node: {@code ClusteredVertxMain <host:port> <prefix>
 * <sessionTimeoutMs>}; prints {@value #READY} and its node id once it has joined.
 */
public final class ClusteredVertxMain {
  public static final String READY = "Vert.x node ready: ";

  private ClusteredVertxMain() {
  }

  public static void main(String[] args) throws Exception {
    BatonClusterManager cm = new BatonClusterManager(BatonClusterOptions.defaults().withServers(List.of(args[0]))
        .withPrefix(args[1]).withSessionTimeout(Integer.parseInt(args[2])));
    Vertx.builder().withClusterManager(cm).buildClustered().toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    System.out.println(READY + cm.getNodeId());
  }
}
