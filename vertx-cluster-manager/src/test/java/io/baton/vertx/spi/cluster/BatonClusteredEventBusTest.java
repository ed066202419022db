package io.baton.vertx.spi.cluster;

import io.vertx.core.spi.cluster.ClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's own {@code ClusteredEventBusTest} on a {@link BatonClusterManager}, each test a new cluster on one Baton
 * node.
 */
public class BatonClusteredEventBusTest extends io.vertx.tests.eventbus.ClusteredEventBusTest {

  @Override
  public void setUp() throws Exception {
    BatonTestNode.newCluster();
    super.setUp();
  }

  /** Fails a stuck test after 20 s rather than Vert.x's 2 minutes. */
  @Override
  public void await(long delay, TimeUnit timeUnit) {
    super.await(Math.min(timeUnit.toMillis(delay), 20_000), TimeUnit.MILLISECONDS);
  }

  @Override
  protected ClusterManager getClusterManager() {
    return BatonTestNode.clusterManager();
  }
}
