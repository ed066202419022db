package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Identity;
import io.baton.core.error.Codes;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.core.quota.Quotas;
import io.baton.core.session.SessionTable;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.Stat;
import io.baton.core.tree.SystemNodes;
import io.baton.core.tree.Znode;
import io.baton.core.txn.Op;
import io.baton.core.txn.TxnApplier;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteCause;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper's built-in nodes ({@code /zookeeper}, {@code /zookeeper/quota}, {@code /zookeeper/config}):
 * in every tree with ZooKeeper's zero stats, kept by snapshots and replay, never deleted, and a log written
 * before they were built in (creating or deleting them) ends in one state whether replayed or restored.
 */
class SystemNodesTest {
  @TempDir
  Path dir;

  private static CreateTxn create(String path, String data, int parentCVersion) {
    return new CreateTxn(path, ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)), 0L, parentCVersion, List.of());
  }

  @Test
  void everyTreeStartsWithThemAsZooKeeperDoes() {
    DataTree tree = new DataTree();
    assertThat(tree.get("/").childNames()).containsExactly("zookeeper");
    assertThat(tree.get("/zookeeper").childNames()).containsExactlyInAnyOrder("quota", "config");
    for (String path : SystemNodes.PATHS) {
      Stat s = tree.get(path).stat();
      assertThat(List.of(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.pzxid(), s.ephemeralOwner())).as(path)
          .containsOnly(0L);
      assertThat(s.dataLength()).isZero();
    }
    assertThat(tree.get("/").stat().cversion()).as("ZooKeeper reports -1 for a fresh root").isEqualTo(-1);
    assertThat(tree.get("/zookeeper").stat().cversion()).isEqualTo(-2);
    assertThat(tree.acl(tree.get("/zookeeper"))).containsExactly(Acl.OPEN);
    assertThat(tree.acl(tree.get("/zookeeper/config")))
        .containsExactly(new Acl(Perms.READ, new Identity("world", "anyone")));
    assertThat(tree.nodeCount()).isEqualTo(4);
    assertThat(new DataTree().digest()).isEqualTo(tree.digest());
  }

  @Test
  void clientsCannotDeleteThemAndSequentialNamesUnderRootStartAtZero() throws Exception {
    StateDigest before;
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      for (String path : SystemNodes.PATHS) {
        assertThat(Codes.of(() -> node.delete(path, -1))).as(path).isEqualTo(ErrorCode.BAD_ARGUMENTS);
        assertThat(Codes.of(() -> node.create(path, ""))).as(path).isEqualTo(ErrorCode.NODE_EXISTS);
      }
      assertThat(node.create(0, "/s-", "", CreateMode.PERSISTENT_SEQUENTIAL)).isEqualTo("/s-0000000000");
      assertThat(node.stat("/").cversion()).isZero();
      node.create("/zookeeper/quota/app", ""); // super (the test's caller) may write below
      assertThat(node.children("/zookeeper/quota")).containsExactly("app");
      node.<Long>await(c -> node.coordinator.snapshot(c));
      node.create("/after", "");
      before = node.digest();
      assertThat(before.nodeCount()).isEqualTo(7);
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.digest()).isEqualTo(before);
      assertThat(node.children("/zookeeper")).containsExactly("config", "quota");
      assertThat(node.children("/zookeeper/quota")).containsExactly("app");
      assertThat(node.stat("/zookeeper/config").czxid()).isZero();
    }
  }

  @Test
  void zookeeperStatsIsServedFromTheUsageIndex() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/app", "abc");
      String limits = Quotas.limitsPath("/app");
      node.submit(0, new Op.Create(limits, "count=-1,bytes=-1,countHardLimit=10,byteHardLimit=-1"
          .getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT, 0, true));
      String stats = Quotas.QUOTA_ROOT + "/app/" + Quotas.STATS_NODE;
      node.create(stats, "count=0,bytes=0");
      node.create("/app/x", "12345");
      assertThat(node.data(stats)).isEqualTo("count=2,bytes=8");
      assertThat(node.read(0, () -> node.coordinator.reads().getData(0, stats, false)).stat().dataLength()).isEqualTo(15);
      node.delete("/app/x", -1);
      assertThat(node.data(stats)).isEqualTo("count=1,bytes=3");
    }
  }

  /** A log written before the built-in nodes: a super user's quota made /zookeeper and /zookeeper/quota. */
  private static List<LogEntry> oldLog() {
    List<LogEntry> log = new ArrayList<>();
    long z = 1L << 32;
    log.add(new LogEntry(z + 1, 10L, create("/app", "a", 1)));
    log.add(new LogEntry(z + 2, 20L, new MultiTxn(List.of(create("/zookeeper", "", 2),
        create("/zookeeper/quota", "", 1),
        create("/zookeeper/quota/app", "", 1),
        create("/zookeeper/quota/app/zookeeper_limits", "count=-1,bytes=-1,countHardLimit=5,byteHardLimit=-1", 1)))));
    log.add(new LogEntry(z + 3, 30L, create("/zookeeper/config", "x", 2)));
    log.add(new LogEntry(z + 4, 40L, new DeleteTxn("/zookeeper/config", DeleteCause.CLIENT)));
    log.add(new LogEntry(z + 5, 50L, create("/b", "b", 3)));
    return log;
  }

  @Test
  void anOldLogReplaysAndRestoresToOneState() throws Exception {
    DataTree replayed = new DataTree();
    TxnApplier applier = new TxnApplier(replayed, new SessionTable());
    for (LogEntry e : oldLog()) {
      applier.apply(e);
    }
    Znode zk = replayed.get("/zookeeper");
    assertThat(zk.stat().czxid()).as("the logged create took the built-in node's place").isEqualTo((1L << 32) + 2);
    assertThat(zk.childNames()).containsExactlyInAnyOrder("config", "quota");
    assertThat(replayed.get("/zookeeper/config").stat().czxid()).as("deleted: back to built-in").isZero();
    assertThat(replayed.quotas().get("/app").limits().countHardLimit()).isEqualTo(5);

    // an old snapshot of that history lacks the built-in nodes it never created
    DataTree restored = new DataTree();
    DataTree.Restorer restorer = restored.restorer();
    replayed.walk((path, n) -> {
      if (!SystemNodes.isSystem(path) || n.stat().czxid() != 0) {
        Stat s = n.stat();
        restorer.restore(path, n.data(), new Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(),
            n.cversion(), s.aversion(), s.ephemeralOwner(), 0, 0, s.pzxid()), replayed.acl(n));
      }
    });
    restorer.finish();
    assertThat(restored.digest()).isEqualTo(replayed.digest());
    assertThat(restored.nodeCount()).isEqualTo(replayed.nodeCount());

    // and a node started on that log replays it, snapshots and restarts to the same state
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
      for (LogEntry e : oldLog()) {
        log.append(e);
      }
      log.sync();
    }
    StateDigest first;
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      first = node.digest();
      assertThat(node.call(() -> node.coordinator.quotas().get("/app"))).isNotNull();
      node.<Long>await(c -> node.coordinator.snapshot(c));
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.digest()).isEqualTo(first);
    }
  }
}
