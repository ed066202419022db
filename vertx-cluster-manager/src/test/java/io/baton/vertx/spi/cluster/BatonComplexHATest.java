package io.baton.vertx.spi.cluster;

import io.vertx.core.spi.cluster.ClusterManager;

/**
 * Vert.x's own {@code ComplexHATest} on a {@link BatonClusterManager}, each test a new cluster on one Baton
 * node.
 */
public class BatonComplexHATest extends io.vertx.tests.ha.ComplexHATest {

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
