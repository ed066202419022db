package io.baton.vertx.spi.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Vert.x's own {@code FaultToleranceTest} on a {@link BatonClusterManager}: three Vert.x nodes in child
 * processes (their cluster manager found by Vert.x's service loader and configured by the file named by
 * {@value BatonClusterManager#CONFIG_PROPERTY}) are killed, and the survivor sees them leave (within the
 * session timeout and 3 s) and their subscriptions go once their sessions expire.
 */
public class BatonFaultToleranceTest extends io.vertx.tests.eventbus.FaultToleranceTest {
  private Path config;

  @Override
  public void setUp() throws Exception {
    BatonTestNode.newCluster();
    BatonClusterOptions o = BatonTestNode.options();
    config = Files.createTempFile("baton-cluster", ".json");
    Files.writeString(config, new JsonObject().put("servers", new JsonArray(o.servers())).put("prefix", o.prefix())
        .put("sessionTimeoutMs", o.sessionTimeoutMs()).encode());
    super.setUp();
  }

  @Override
  protected void tearDown() throws Exception {
    super.tearDown();
    Files.deleteIfExists(config);
  }

  /** The killed nodes are gone once their sessions expire: within the session timeout and a little slack. */
  @Override
  protected void afterNodesKilled() throws Exception {
    long killed = System.currentTimeMillis();
    super.afterNodesKilled();
    long seen = System.currentTimeMillis() - killed;
    assertTrue("killed nodes seen as left after " + seen + " ms",
        seen < BatonTestNode.SESSION_TIMEOUT_MS + 3_000);
  }

  @Override
  protected ClusterManager getClusterManager() {
    return BatonTestNode.clusterManager();
  }

  @Override
  protected List<String> getExternalNodeSystemProperties() {
    return List.of("-D" + BatonClusterManager.CONFIG_PROPERTY + "=" + config, "-Xmx256m");
  }
}
