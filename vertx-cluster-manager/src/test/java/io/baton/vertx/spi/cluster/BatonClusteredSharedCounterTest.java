package io.baton.vertx.spi.cluster;

import io.vertx.core.spi.cluster.ClusterManager;

/**
 * Vert.x's own {@code ClusteredSharedCounterTest} on a {@link BatonClusterManager}, each test a new cluster
 * on one Baton node.
 */
public class BatonClusteredSharedCounterTest extends io.vertx.tests.shareddata.ClusteredSharedCounterTest {

  @Override
  public void setUp() throws Exception {
    BatonTestNode.newCluster();
    super.setUp();
  }

  @Override
  protected ClusterManager getClusterManager() {
    return BatonTestNode.clusterManager();
  }
}
