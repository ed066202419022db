package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/**
 * Container and TTL nodes through the official client: their stats show no owner (ZooKeeper 3.9.5's
 * {@code DataNode.copyStat} hides the markers), and reaping.
 */
class ZkNodeKindsTest extends OneNodeTest {
  @Test
  void aContainerGoesOnceItsLastChildIsDeleted() throws Exception {
    Stat stat = new Stat();
    zk.create("/box", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER, stat);
    assertThat(stat.getEphemeralOwner()).isZero();
    zk.create("/box/item", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.delete("/box/item", -1);
    await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists("/box", false) == null);
  }

  @Test
  void aTtlNodeGoesAfterItsTtlUntouchedAndWithoutChildren() throws Exception {
    Stat stat = new Stat();
    String path = zk.create("/ttl-", "x".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, stat, 500);
    assertThat(path).isEqualTo("/ttl-0000000000");
    assertThat(stat.getEphemeralOwner()).isZero();
    assertThat(zk.exists(path, false)).isNotNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> zk.exists(path, false) == null);
  }
}
