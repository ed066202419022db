package io.baton.vertx.spi.cluster;

import io.vertx.core.spi.cluster.ClusterManager;
import org.junit.Test;

/**
 * Vert.x's own {@code ClusteredAsynchronousLockTest} on a {@link BatonClusterManager}, with the two tests
 * a real cluster manager must pass: a lock is released when its holder's node closes or leaves.
 */
public class BatonClusteredAsynchronousLockTest extends io.vertx.tests.shareddata.ClusteredAsynchronousLockTest {

  @Override
  public void setUp() throws Exception {
    BatonTestNode.newCluster();
    super.setUp();
  }

  @Override
  protected ClusterManager getClusterManager() {
    return BatonTestNode.clusterManager();
  }

  @Override
  @Test
  public void testLockReleasedForClosedNode() throws Exception {
    super.testLockReleasedForClosedNode();
  }

  @Override
  @Test
  public void testLockReleasedForKilledNode() throws Exception {
    super.testLockReleasedForKilledNode();
  }
}
