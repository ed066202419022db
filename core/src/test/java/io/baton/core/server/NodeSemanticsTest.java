package io.baton.core.server;

import static io.baton.core.server.TestNode.errorOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.EphemeralOwner;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node kinds, errors and Stat maintenance with ZooKeeper 3.9's semantics. */
class NodeSemanticsTest {
  @TempDir
  Path dir;
  TestNode node;

  @BeforeEach
  void open() throws Exception {
    node = new TestNode(TestNode.config(dir));
  }

  @AfterEach
  void close() {
    node.close();
  }

  // ---------------------------------------------------------------- kinds of node

  @Test
  void persistentCreateHasZooKeeperStat() {
    long before = System.currentTimeMillis();
    OpResult.Created c = (OpResult.Created) node.submit(0,
        new Op.Create("/a", "hello".getBytes(), CreateMode.PERSISTENT, 0, false)).get(0);
    long after = System.currentTimeMillis();
    long z = node.lastApplied();

    assertThat(c.path()).isEqualTo("/a");
    Stat s = c.stat();
    assertThat(s.czxid()).isEqualTo(z);
    assertThat(s.mzxid()).isEqualTo(z);
    assertThat(s.pzxid()).isEqualTo(z);
    assertThat(s.ctime()).isBetween(before, after).isEqualTo(s.mtime());
    assertThat(s.version()).isZero();
    assertThat(s.cversion()).isZero();
    assertThat(s.aversion()).isZero();
    assertThat(s.ephemeralOwner()).isZero();
    assertThat(s.dataLength()).isEqualTo(5);
    assertThat(s.numChildren()).isZero();
    assertThat(node.stat("/a")).isEqualTo(s);
    assertThat(node.data("/a")).isEqualTo("hello");

    Stat root = node.stat("/");
    assertThat(root.cversion()).as("ZooKeeper: /zookeeper is not counted").isZero();
    assertThat(root.pzxid()).isEqualTo(z);
    assertThat(root.numChildren()).as("/a and /zookeeper").isEqualTo(2);
    assertThat(root.mzxid()).isZero();
    assertThat(root.version()).isZero();
  }

  @Test
  void nullDataIsEmpty() {
    node.create(0, "/n", null, CreateMode.PERSISTENT);
    assertThat(node.data("/n")).isEmpty();
    assertThat(node.stat("/n").dataLength()).isZero();
  }

  @Test
  void ephemeralIsOwnedBySession() {
    long s = node.openSession(30_000);
    node.create(s, "/e", "x", CreateMode.EPHEMERAL);
    assertThat(node.stat("/e").ephemeralOwner()).isEqualTo(s);
    assertThat(node.call(() -> node.coordinator.reads().getEphemerals(s, "/"))).containsExactly("/e");
    node.create("/a", "");
    node.create(s, "/a/x", "", CreateMode.EPHEMERAL);
    node.create(s, "/ab", "", CreateMode.EPHEMERAL);
    long other = node.openSession(30_000);
    node.create(other, "/a/y", "", CreateMode.EPHEMERAL);
    assertThat(node.call(() -> node.coordinator.reads().getEphemerals(s, "/"))).containsExactlyInAnyOrder("/e", "/a/x", "/ab");
    assertThat(node.call(() -> node.coordinator.reads().getEphemerals(s, "/a"))).as("a string prefix, as in ZooKeeper")
        .containsExactlyInAnyOrder("/a/x", "/ab");
    assertThat(node.call(() -> node.coordinator.reads().getEphemerals(other, "/"))).containsExactly("/a/y");
  }

  @Test
  void sequentialSuffixComesFromParentCversionAndDeleteDoesNotRewind() {
    node.create("/q", "");
    assertThat(node.create(0, "/q/item-", "a", CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/q/item-0000000000");
    assertThat(node.create(0, "/q/item-", "b", CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/q/item-0000000001");
    node.delete("/q/item-0000000001", -1);
    assertThat(node.stat("/q").cversion()).as("ZooKeeper counts the delete").isEqualTo(3);
    assertThat(node.create(0, "/q/item-", "c", CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/q/item-0000000002");
    // a plain create also bumps the parent's cversion, so it consumes a number
    node.create("/q/plain", "");
    long s = node.openSession(30_000);
    String eph = node.create(s, "/q/item-", "d", CreateMode.EPHEMERAL_SEQUENTIAL);
    assertThat(eph).isEqualTo("/q/item-0000000004");
    assertThat(node.stat(eph).ephemeralOwner()).isEqualTo(s);
    // a prefix ending in '/' is allowed for sequential nodes
    assertThat(node.create(0, "/q/", "e", CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/q/0000000005");
    assertThat(node.children("/q")).containsExactly("0000000005", "item-0000000000", "item-0000000002",
        "item-0000000004", "plain");
    assertThat(node.data("/q/item-0000000002")).isEqualTo("c");
  }

  @Test
  void sequentialUnderRootUsesRootCversion() {
    node.create("/a", "");
    node.create("/b", "");
    assertThat(node.create(0, "/s-", "", CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/s-0000000002");
  }

  @Test
  void createParentsCreatesMissingPersistentParentsInOneZxid() {
    node.create("/warm", ""); // the first zxid of an epoch is epoch << 32 | 1
    long before = node.lastApplied();
    List<OpResult> r = node.submit(0, new Op.Create("/x/y/z", "leaf".getBytes(), CreateMode.PERSISTENT, 0, true));
    long z = node.lastApplied();
    assertThat(z).isEqualTo(before + 1);
    assertThat(r).extracting(o -> ((OpResult.Created) o).path()).containsExactly("/x", "/x/y", "/x/y/z");
    assertThat(r).extracting(o -> ((OpResult.Created) o).stat().czxid()).containsOnly(z);
    assertThat(node.data("/x")).isEmpty();
    assertThat(node.data("/x/y")).isEmpty();
    assertThat(node.data("/x/y/z")).isEqualTo("leaf");
    assertThat(node.stat("/x").cversion()).isEqualTo(1);
    assertThat(node.stat("/x").pzxid()).isEqualTo(z);
    assertThat(node.stat("/x").numChildren()).isEqualTo(1);

    // existing parents are reused
    List<OpResult> r2 = node.submit(0, new Op.Create("/x/y/w", null, CreateMode.PERSISTENT, 0, true));
    assertThat(r2).hasSize(1);
    assertThat(node.stat("/x/y").numChildren()).isEqualTo(2);

    // ephemeral leaf: parents are persistent, the leaf is the session's
    long s = node.openSession(30_000);
    node.submit(s, new Op.Create("/eph/parent/leaf", null, CreateMode.EPHEMERAL, 0, true));
    assertThat(node.stat("/eph").ephemeralOwner()).isZero();
    assertThat(node.stat("/eph/parent").ephemeralOwner()).isZero();
    assertThat(node.stat("/eph/parent/leaf").ephemeralOwner()).isEqualTo(s);

    // sequential leaf under fresh parents
    List<OpResult> r3 = node.submit(0, new Op.Create("/s/t/n-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, true));
    assertThat(((OpResult.Created) r3.get(r3.size() - 1)).path()).isEqualTo("/s/t/n-0000000000");

    // without createParents a missing parent is NoNode
    assertThat(errorOf(() -> node.submit(0, new Op.Create("/m/n", null, CreateMode.PERSISTENT, 0, false))))
        .isEqualTo(ErrorCode.NO_NODE);
  }

  @Test
  void containerIsDeletedAfterItsLastChildGoesButNotBeforeItHadChildren() {
    node.create(0, "/c", "", CreateMode.CONTAINER);
    node.create(0, "/never", "", CreateMode.CONTAINER);
    assertThat(node.stat("/c").ephemeralOwner()).as("ZooKeeper shows no marker in a stat").isZero();
    node.letTicksRun();
    assertThat(node.exists("/c")).isTrue();

    node.create("/c/a", "");
    node.create("/c/b", "");
    node.delete("/c/a", -1);
    node.letTicksRun();
    assertThat(node.exists("/c")).as("container with a child left").isTrue();

    node.delete("/c/b", -1);
    node.awaitTrue(() -> node.coordinator.reads().exists(0, "/c", false) == null);
    assertThat(node.changes).anySatisfy(e -> {
      assertThat(e.kind()).isEqualTo(ChangeEvent.Kind.NODE_DELETED);
      assertThat(e.path()).isEqualTo("/c");
      assertThat(e.cause()).isEqualTo("CONTAINER");
    });
    assertThat(node.exists("/never")).as("container that never had children").isTrue();
  }

  @Test
  void ttlNodeIsDeletedAfterTtlWithNoChildren() {
    node.create(0, "/t", "", CreateMode.PERSISTENT_WITH_TTL, 5_000);
    assertThat(node.stat("/t").ephemeralOwner()).as("ZooKeeper shows no marker in a stat").isZero();
    node.letTicksRun();
    assertThat(node.exists("/t")).isTrue();

    node.clockOffset.addAndGet(6_000);
    node.awaitTrue(() -> node.coordinator.reads().exists(0, "/t", false) == null);
    assertThat(node.changes).anySatisfy(e -> {
      assertThat(e.path()).isEqualTo("/t");
      assertThat(e.cause()).isEqualTo("TTL");
    });
  }

  @Test
  void ttlNodeWithChildrenStaysUntilEmpty() {
    node.create(0, "/t", "", CreateMode.PERSISTENT_WITH_TTL, 5_000);
    node.create("/t/c", "");
    node.clockOffset.addAndGet(6_000);
    node.letTicksRun();
    assertThat(node.exists("/t")).isTrue();
    node.delete("/t/c", -1);
    node.awaitTrue(() -> node.coordinator.reads().exists(0, "/t", false) == null);
  }

  @Test
  void setDataRestartsTtl() {
    node.create(0, "/t", "", CreateMode.PERSISTENT_WITH_TTL, 5_000);
    node.clockOffset.addAndGet(4_000);
    node.setData("/t", "touch", -1);
    node.clockOffset.addAndGet(2_000);
    node.letTicksRun();
    assertThat(node.exists("/t")).as("2 s after its last change").isTrue();
    node.clockOffset.addAndGet(4_000);
    node.awaitTrue(() -> node.coordinator.reads().exists(0, "/t", false) == null);
  }

  @Test
  void sequentialTtlNode() {
    node.create("/q", "");
    String p = node.create(0, "/q/t-", "", CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 1_000);
    assertThat(p).isEqualTo("/q/t-0000000000");
    node.clockOffset.addAndGet(2_000);
    node.awaitTrue(() -> node.coordinator.reads().exists(0, p, false) == null);
  }

  @Test
  void badTtlsAreBadArguments() {
    TestNode.Mark before = node.mark();
    for (long ttl : new long[] {0, -1, EphemeralOwner.MAX_TTL + 1}) {
      assertThat(errorOf(() -> node.create(0, "/t", "", CreateMode.PERSISTENT_WITH_TTL, ttl)))
          .as("ttl %d", ttl).isEqualTo(ErrorCode.BAD_ARGUMENTS);
      assertThat(errorOf(() -> node.create(0, "/t-", "", CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, ttl)))
          .as("ttl %d", ttl).isEqualTo(ErrorCode.BAD_ARGUMENTS);
    }
    assertThat(errorOf(() -> node.create(0, "/t", "", CreateMode.PERSISTENT, 1_000)))
        .as("ttl on a non-TTL mode").isEqualTo(ErrorCode.BAD_ARGUMENTS);
    // ZooKeeper's TTL field is 40 bits (EphemeralType.TTL.maxValue()); bits 40..55 are the extended type
    assertThat(errorOf(() -> node.create(0, "/t", "", CreateMode.PERSISTENT_WITH_TTL, 1L << 40)))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(node.mark()).isEqualTo(before);

    node.create(0, "/max", "", CreateMode.PERSISTENT_WITH_TTL, (1L << 40) - 1);
    assertThat(EphemeralOwner.ttl((1L << 40) - 1)).isEqualTo(0xFF0000FFFFFFFFFFL);
    assertThat(node.stat("/max").ephemeralOwner()).isZero();
  }

  // ---------------------------------------------------------------- errors

  @Test
  void nodeExists() {
    node.create("/a", "1");
    TestNode.Mark before = node.mark();
    assertThat(errorOf(() -> node.create("/a", "2"))).isEqualTo(ErrorCode.NODE_EXISTS);
    assertThat(errorOf(() -> node.create("/", "2"))).isEqualTo(ErrorCode.NODE_EXISTS);
    assertThat(node.mark()).isEqualTo(before);
    assertThat(node.data("/a")).isEqualTo("1");
  }

  @Test
  void noNode() {
    assertThat(errorOf(() -> node.create("/missing/child", ""))).isEqualTo(ErrorCode.NO_NODE);
    assertThat(errorOf(() -> node.delete("/missing", -1))).isEqualTo(ErrorCode.NO_NODE);
    assertThat(errorOf(() -> node.setData("/missing", "x", -1))).isEqualTo(ErrorCode.NO_NODE);
    assertThat(errorOf(() -> node.data("/missing"))).isEqualTo(ErrorCode.NO_NODE);
    assertThat(errorOf(() -> node.children("/missing"))).isEqualTo(ErrorCode.NO_NODE);
    assertThat(node.stat("/missing")).isNull();
    assertThat(node.lastApplied()).isZero();
  }

  @Test
  void noChildrenForEphemerals() {
    long s = node.openSession(30_000);
    node.create(s, "/e", "", CreateMode.EPHEMERAL);
    TestNode.Mark before = node.mark();
    assertThat(errorOf(() -> node.create(s, "/e/c", "", CreateMode.PERSISTENT)))
        .isEqualTo(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
    assertThat(errorOf(() -> node.create(s, "/e/c", "", CreateMode.EPHEMERAL)))
        .isEqualTo(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
    assertThat(errorOf(() -> node.create(0, "/e/c-", "", CreateMode.PERSISTENT_SEQUENTIAL)))
        .isEqualTo(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
    assertThat(errorOf(() -> node.submit(s, new Op.Create("/e/c/d", null, CreateMode.PERSISTENT, 0, true))))
        .isEqualTo(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
    assertThat(node.mark()).isEqualTo(before);
  }

  @Test
  void notEmpty() {
    node.create("/p", "");
    node.create("/p/c", "");
    TestNode.Mark before = node.mark();
    assertThat(errorOf(() -> node.delete("/p", -1))).isEqualTo(ErrorCode.NOT_EMPTY);
    assertThat(node.mark()).isEqualTo(before);
    node.delete("/p/c", -1);
    node.delete("/p", -1);
    assertThat(node.exists("/p")).isFalse();
  }

  @Test
  void badVersionOnStaleVersionAndMinusOneMatchesAny() {
    node.create("/v", "0");
    assertThat(node.setData("/v", "1", 0).version()).isEqualTo(1);
    TestNode.Mark before = node.mark();
    assertThat(errorOf(() -> node.setData("/v", "x", 0))).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(errorOf(() -> node.setData("/v", "x", 2))).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(errorOf(() -> node.delete("/v", 0))).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(errorOf(() -> node.delete("/v", 5))).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(node.mark()).isEqualTo(before);
    assertThat(node.data("/v")).isEqualTo("1");

    assertThat(node.setData("/v", "2", -1).version()).isEqualTo(2);
    assertThat(node.setData("/v", "3", 2).version()).isEqualTo(3);
    node.delete("/v", 3);
    assertThat(node.exists("/v")).isFalse();
    node.create("/w", "");
    node.setData("/w", "a", -1);
    node.delete("/w", -1);
    assertThat(node.exists("/w")).isFalse();
  }

  @Test
  void rootCannotBeDeleted() {
    TestNode.Mark before = node.mark();
    assertThat(errorOf(() -> node.delete("/", -1))).isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(errorOf(() -> node.delete("/", 0))).isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(node.mark()).isEqualTo(before);
    assertThat(node.exists("/")).isTrue();
  }

  // ---------------------------------------------------------------- Stat

  @Test
  void statMaintenanceMatchesZooKeeper() {
    Stat p1 = node.submitCreate("/p", "pp");
    long z1 = p1.czxid();

    Stat a = node.submitCreate("/p/a", "aaa");
    long z2 = a.czxid();
    assertThat(z2).isGreaterThan(z1);
    Stat p2 = node.stat("/p");
    assertThat(p2.cversion()).isEqualTo(1);
    assertThat(p2.pzxid()).isEqualTo(z2);
    assertThat(p2.numChildren()).isEqualTo(1);
    assertThat(p2.mzxid()).as("child create does not change parent mzxid").isEqualTo(z1);
    assertThat(p2.version()).isZero();
    assertThat(p2.mtime()).isEqualTo(p1.mtime());

    long z3 = node.submitCreate("/p/b", "").czxid();
    Stat p3 = node.stat("/p");
    assertThat(p3.cversion()).isEqualTo(2);
    assertThat(p3.pzxid()).isEqualTo(z3);
    assertThat(p3.numChildren()).isEqualTo(2);

    node.clockOffset.addAndGet(5_000);
    Stat a2 = node.setData("/p/a", "12345678", 0);
    long z4 = node.lastApplied();
    assertThat(a2.version()).isEqualTo(1);
    assertThat(a2.mzxid()).isEqualTo(z4);
    assertThat(a2.czxid()).isEqualTo(z2);
    assertThat(a2.pzxid()).as("setData does not touch pzxid").isEqualTo(z2);
    assertThat(a2.ctime()).isEqualTo(a.ctime());
    assertThat(a2.mtime()).isGreaterThanOrEqualTo(a.ctime() + 5_000);
    assertThat(a2.dataLength()).isEqualTo(8);
    assertThat(a2.cversion()).isZero();
    assertThat(node.stat("/p/a")).isEqualTo(a2);
    assertThat(node.stat("/p")).as("child setData leaves the parent alone").isEqualTo(p3);

    node.delete("/p/a", 1);
    long z5 = node.lastApplied();
    Stat p5 = node.stat("/p");
    assertThat(p5.pzxid()).isEqualTo(z5);
    assertThat(p5.cversion()).as("a child's delete counts, as in ZooKeeper").isEqualTo(3);
    assertThat(p5.numChildren()).isEqualTo(1);
    assertThat(p5.mzxid()).isEqualTo(z1);
    assertThat(p5.version()).isZero();

    Stat p6 = node.setData("/p", "new", -1);
    long z6 = node.lastApplied();
    assertThat(p6.version()).isEqualTo(1);
    assertThat(p6.mzxid()).isEqualTo(z6);
    assertThat(p6.pzxid()).isEqualTo(z5);
    assertThat(p6.cversion()).isEqualTo(3);
    assertThat(p6.czxid()).isEqualTo(z1);
    assertThat(p6.dataLength()).isEqualTo(3);

    assertThat(List.of(z1, z2, z3, z4, z5, z6)).isSorted().doesNotHaveDuplicates();
  }
}
