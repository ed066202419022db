package io.baton.vertx.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's ZooKeeper port settings: ZooKeeper's 2181 for a lone node unless told otherwise; a
 * cluster member the fourth field of its line in the cluster file, or none.
 */
class MainZkPortTest {
  @TempDir
  Path dir;

  @Test
  void aLoneNodeServesZooKeeperClientsOn2181ByDefault() throws Exception {
    assertThat(Main.parse(new String[0]).getInteger("zkPort")).isEqualTo(2181);
    assertThat(Main.parse(new String[] {"--zk-port", "2281"}).getInteger("zkPort")).isEqualTo(2281);
    assertThat(Main.parse(new String[] {"--zk-port", "-1"}).getInteger("zkPort")).isEqualTo(-1);
  }

  @Test
  void aClusterMemberServesThemOnTheFourthFieldOfItsLine() throws Exception {
    Path file = dir.resolve("cluster.cfg");
    Files.writeString(file, "server.1=127.0.0.1:7101:7181:2191\nserver.2=127.0.0.2:7102:7182\n"
        + "cluster.secret=" + "0f".repeat(32) + "\n");
    assertThat(Main.parse(new String[] {"--cluster", file.toString(), "--node-id", "1"}).getInteger("zkPort"))
        .isEqualTo(2191);
    assertThat(Main.parse(new String[] {"--cluster", file.toString(), "--node-id", "1", "--zk-port", "2999"})
        .getInteger("zkPort")).as("the flag wins").isEqualTo(2999);
    assertThat(Main.parse(new String[] {"--cluster", file.toString(), "--node-id", "2"}).containsKey("zkPort"))
        .as("no fourth field: no ZooKeeper port").isFalse();
    assertThat(Main.parse(new String[] {"--cluster", file.toString(), "--node-id", "2"}).getString("bridgeHost"))
        .as("the ZooKeeper port binds to zkHost, the bridge's host by default").isEqualTo("127.0.0.2");
  }
}
