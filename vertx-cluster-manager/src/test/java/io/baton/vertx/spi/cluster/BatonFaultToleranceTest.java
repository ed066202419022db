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
 * {@value BatonClusterManager#CONFIG_PROPERTY}) are killed, and the survivor sees them leave and their
 * subscriptions go once their sessions expire.
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

  @Override
  protected ClusterManager getClusterManager() {
    return BatonTestNode.clusterManager();
  }

  @Override
  protected List<String> getExternalNodeSystemProperties() {
    return List.of("-D" + BatonClusterManager.CONFIG_PROPERTY + "=" + config, "-Xmx256m");
  }
}
