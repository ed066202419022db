package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** multi and multiRead through the official client, with ZooKeeper's result layout on failure. */
class ZkMultiTest extends OneNodeTest {
  @Test
  void aMultiAppliesEveryOperationAndAnswersEachInItsShape() throws Exception {
    zk.create("/m", "0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    List<OpResult> results = zk.multi(List.of(
        Op.check("/m", 0),
        Op.create("/m/a", "a".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
        Op.create("/m/seq-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL),
        Op.create("/m/box", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER),
        Op.setData("/m", "1".getBytes(), 0),
        Op.delete("/m/a", 0)));
    assertThat(results).hasSize(6);
    assertThat(results.get(0)).isInstanceOf(OpResult.CheckResult.class);
    assertThat(((OpResult.CreateResult) results.get(1)).getPath()).isEqualTo("/m/a");
    assertThat(((OpResult.CreateResult) results.get(1)).getStat()).isNull();
    assertThat(((OpResult.CreateResult) results.get(2)).getPath()).isEqualTo("/m/seq-0000000001");
    OpResult.CreateResult container = (OpResult.CreateResult) results.get(3);
    assertThat(container.getStat()).as("a container's create answers its stat").isNotNull();
    assertThat(container.getStat().getEphemeralOwner()).as("without the marker, as ZooKeeper shows it").isZero();
    assertThat(((OpResult.SetDataResult) results.get(4)).getStat().getVersion()).isEqualTo(1);
    assertThat(results.get(5)).isInstanceOf(OpResult.DeleteResult.class);
    assertThat(zk.getChildren("/m", false)).containsExactlyInAnyOrder("seq-0000000001", "box");
  }

  @Test
  void aFailedMultiChangesNothingAndReportsEachOperation() throws Exception {
    zk.create("/f", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    KeeperException e = catchThrowableOfType(KeeperException.class, () -> zk.multi(List.of(
        Op.create("/f/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
        Op.setData("/f", new byte[0], 5),
        Op.delete("/f", -1))));
    assertThat(e).isInstanceOf(KeeperException.BadVersionException.class);
    List<OpResult> results = e.getResults();
    assertThat(results).hasSize(3).allMatch(r -> r instanceof OpResult.ErrorResult);
    assertThat(results.stream().map(r -> ((OpResult.ErrorResult) r).getErr()).toList())
        .containsExactly(0, KeeperException.Code.BADVERSION.intValue(), KeeperException.Code.RUNTIMEINCONSISTENCY.intValue());
    assertThat(zk.exists("/f/a", false)).isNull();
  }

  @Test
  void multiReadAnswersEachReadOnItsOwn() throws Exception {
    zk.create("/r", "data".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.create("/r/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    List<OpResult> results = zk.multi(List.of(Op.getData("/r"), Op.getChildren("/r"), Op.getData("/none")));
    assertThat(((OpResult.GetDataResult) results.get(0)).getData()).isEqualTo("data".getBytes());
    assertThat(((OpResult.GetDataResult) results.get(0)).getStat().getNumChildren()).isEqualTo(1);
    assertThat(((OpResult.GetChildrenResult) results.get(1)).getChildren()).containsExactly("c");
    assertThat(((OpResult.ErrorResult) results.get(2)).getErr()).isEqualTo(KeeperException.Code.NONODE.intValue());
  }
}
