package io.baton.vertx.spi.cluster;

import io.vertx.core.spi.cluster.ClusterManager;

/**
 * Vert.x's own {@code HATest} on a {@link BatonClusterManager}, each test a new cluster on one Baton
 * node.
 */
public class BatonHATest extends io.vertx.tests.ha.HATest {

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
