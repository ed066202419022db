package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.auth.AuthConfig;
import io.baton.core.auth.DigestCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ZooKeeper's built-in nodes through the official client: /zookeeper, its quota and config, zookeeper_stats. */
class ZkSystemNodesTest {
  private static final String ADMIN = "admin:secret";

  @TempDir
  Path dir;
  ZkNode node;
  ZooKeeper admin;
  ZooKeeper anonymous;

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir, c -> c.withAuth(new AuthConfig(false, Set.of(DigestCredentials.identity(ADMIN)))));
    admin = node.client();
    admin.addAuthInfo("digest", ADMIN.getBytes(StandardCharsets.UTF_8));
    anonymous = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    admin.close();
    anonymous.close();
    node.close();
  }

  @Test
  void theyExistWithZooKeepersStatsAndConfigIsEmpty() throws Exception {
    assertThat(anonymous.getChildren("/", false)).containsExactly("zookeeper");
    assertThat(anonymous.getChildren("/zookeeper", false)).containsExactly("config", "quota");
    Stat root = anonymous.exists("/", false);
    assertThat(root.getCversion()).as("as a fresh ZooKeeper reports /").isEqualTo(-1);
    Stat zk = anonymous.exists("/zookeeper", false);
    assertThat(List.of(zk.getCzxid(), zk.getMzxid(), zk.getPzxid(), zk.getCtime(), zk.getMtime())).containsOnly(0L);
    assertThat(zk.getCversion()).isEqualTo(-2);
    assertThat(zk.getNumChildren()).isEqualTo(2);
    assertThat(anonymous.getConfig(false, new Stat())).isEmpty();
    assertThat(anonymous.getACL("/zookeeper/config", new Stat())).containsExactlyElementsOf(ZooDefs.Ids.READ_ACL_UNSAFE);
    assertThat(anonymous.getAllChildrenNumber("/")).isEqualTo(3);
  }

  @Test
  void onlySuperWritesBelowAndNobodyDeletesThem() throws Exception {
    assertThatThrownBy(() -> anonymous.create("/zookeeper/quota/x", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT)).isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.setData("/zookeeper/config", new byte[1], -1))
        .isInstanceOf(KeeperException.NoAuthException.class);
    for (String path : List.of("/zookeeper/config", "/zookeeper/quota", "/zookeeper")) {
      assertThatThrownBy(() -> admin.delete(path, -1)).as(path)
          .isInstanceOf(KeeperException.BadArgumentsException.class);
    }
    assertThatThrownBy(() -> admin.create("/zookeeper", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT)).isInstanceOf(KeeperException.NodeExistsException.class);
  }

  @Test
  void aQuotasStatsNodeShowsTheSubtreesUsage() throws Exception {
    anonymous.create("/app", "abc".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT);
    // what zkCli's setquota does
    admin.create("/zookeeper/quota/app", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    admin.create("/zookeeper/quota/app/zookeeper_limits",
        "count=-1,bytes=-1,countHardLimit=3,byteHardLimit=-1".getBytes(StandardCharsets.UTF_8),
        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    admin.create("/zookeeper/quota/app/zookeeper_stats", "count=0,bytes=0".getBytes(StandardCharsets.UTF_8),
        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    anonymous.create("/app/x", "12345".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT);
    Stat stat = new Stat();
    byte[] usage = anonymous.getData("/zookeeper/quota/app/zookeeper_stats", false, stat);
    assertThat(new String(usage, StandardCharsets.UTF_8)).isEqualTo("count=2,bytes=8");
    assertThat(stat.getDataLength()).isEqualTo(usage.length);
    anonymous.create("/app/y", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    assertThatThrownBy(() -> anonymous.create("/app/z", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT)).isInstanceOf(KeeperException.QuotaExceededException.class);
  }
}
