package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** The official ZooKeeper client against a Baton node: each plain operation, its reply and its errors. */
class ZkOperationsTest extends OneNodeTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void createReadUpdateDelete() throws Exception {
    assertThat(zk.create("/app", bytes("v1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT)).isEqualTo("/app");
    Stat stat = new Stat();
    assertThat(zk.getData("/app", false, stat)).isEqualTo(bytes("v1"));
    assertThat(stat.getVersion()).isZero();
    assertThat(stat.getDataLength()).isEqualTo(2);
    assertThat(stat.getCzxid()).isEqualTo(stat.getMzxid()).isPositive();
    assertThat(stat.getEphemeralOwner()).isZero();

    Stat set = zk.setData("/app", bytes("v22"), 0);
    assertThat(set.getVersion()).isEqualTo(1);
    assertThat(set.getDataLength()).isEqualTo(3);
    assertThat(set.getMzxid()).isGreaterThan(stat.getMzxid());
    assertThat(zk.exists("/app", false)).isEqualTo(set);

    zk.delete("/app", 1);
    assertThat(zk.exists("/app", false)).isNull();
  }

  @Test
  void create2ReturnsTheStatAndSequentialNamesFollowTheParent() throws Exception {
    zk.create("/q", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    Stat stat = new Stat();
    String first = zk.create("/q/item-", bytes("a"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL,
        stat);
    String second = zk.create("/q/item-", bytes("b"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL);
    assertThat(first).isEqualTo("/q/item-0000000000");
    assertThat(second).isEqualTo("/q/item-0000000001");
    assertThat(stat.getDataLength()).isEqualTo(1);
    assertThat(stat.getCzxid()).isPositive();

    Stat parent = new Stat();
    assertThat(zk.getChildren("/q", false, parent)).containsExactlyInAnyOrder("item-0000000000", "item-0000000001");
    assertThat(parent.getNumChildren()).isEqualTo(2);
    assertThat(parent.getCversion()).isEqualTo(2);
    assertThat(zk.getChildren("/q", false)).hasSize(2);
    assertThat(zk.getAllChildrenNumber("/")).as("with /zookeeper, its quota and config").isEqualTo(6);
    assertThat(zk.getAllChildrenNumber("/q")).isEqualTo(2);

    // ZooKeeper 3.9's cversion counts creates and deletes of children; sequential names count creates
    zk.delete("/q/item-0000000000", -1);
    assertThat(zk.exists("/q", false).getCversion()).isEqualTo(3);
    assertThat(zk.create("/q/item-", bytes("c"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL))
        .isEqualTo("/q/item-0000000002");
    assertThat(zk.exists("/q", false).getCversion()).isEqualTo(4);
  }

  @Test
  void errorsCarryZooKeepersCodes() throws Exception {
    assertThatThrownBy(() -> zk.getData("/missing", false, null)).isInstanceOf(KeeperException.NoNodeException.class);
    assertThatThrownBy(() -> zk.create("/a/b", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.NoNodeException.class);
    zk.create("/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    assertThatThrownBy(() -> zk.create("/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.NodeExistsException.class);
    assertThatThrownBy(() -> zk.setData("/a", new byte[0], 7)).isInstanceOf(KeeperException.BadVersionException.class);
    assertThatThrownBy(() -> zk.delete("/a", 3)).isInstanceOf(KeeperException.BadVersionException.class);
    zk.create("/a/b", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    assertThatThrownBy(() -> zk.delete("/a", -1)).isInstanceOf(KeeperException.NotEmptyException.class);
    zk.create("/e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    assertThatThrownBy(() -> zk.create("/e/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.NoChildrenForEphemeralsException.class);
    assertThatThrownBy(() -> zk.getChildren("/nothing", false)).isInstanceOf(KeeperException.NoNodeException.class);
    assertThatThrownBy(() -> zk.delete("/nothing", -1)).isInstanceOf(KeeperException.NoNodeException.class);
    assertThatThrownBy(() -> zk.create("/x", new byte[0], List.of(), CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.InvalidACLException.class);
  }

  @Test
  void ephemeralsBelongToTheSessionAndGoWithIt() throws Exception {
    zk.create("/svc", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.create("/svc/e1", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    zk.create("/svc/e2-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
    assertThat(zk.exists("/svc/e1", false).getEphemeralOwner()).isEqualTo(zk.getSessionId());
    assertThat(zk.getEphemerals()).containsExactlyInAnyOrder("/svc/e1", "/svc/e2-0000000001");
    assertThat(zk.getEphemerals("/svc")).hasSize(2);
    try (ZooKeeper other = node.client()) {
      assertThat(other.getEphemerals()).isEmpty();
      zk.close();
      zk = null;
      assertThat(other.getChildren("/svc", false)).isEmpty();
    }
  }

  @Test
  void syncAnswersWithItsPath() throws Exception {
    zk.create("/s", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    java.util.concurrent.CompletableFuture<String> synced = new java.util.concurrent.CompletableFuture<>();
    zk.sync("/s", (rc, path, ctx) -> synced.complete(rc + " " + path), null);
    assertThat(synced.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("0 /s");
  }
}
