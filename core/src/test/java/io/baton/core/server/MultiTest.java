package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.MultiFailedException;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.txn.OpResult.Error;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi: all-or-nothing, one zxid, ZooKeeper's per-op results on failure, later ops see earlier ones. */
class MultiTest {
  @TempDir
  Path dir;
  TestNode node;

  @BeforeEach
  void open() throws Exception {
    node = new TestNode(TestNode.config(dir));
    node.create("/x", "x0");
    node.create("/y", "y0");
  }

  @AfterEach
  void close() {
    node.close();
  }

  private static Command.Multi multi(Op... ops) {
    return new Command.Multi(List.of(ops));
  }

  private static Op.Create create(String path, String data) {
    return new Op.Create(path, data == null ? null : data.getBytes(), CreateMode.PERSISTENT, 0, false);
  }

  private MultiFailedException failing(Command.Multi m) {
    try {
      node.submit(0, m);
    } catch (MultiFailedException e) {
      return e;
    }
    throw new AssertionError("multi should have failed");
  }

  @Test
  void atomicSuccessUsesOneZxid() {
    TestNode.Mark before = node.mark();
    List<OpResult> r = node.submit(0, multi(
        create("/m", "1"),
        new Op.SetData("/x", "x1".getBytes(), 0),
        new Op.Check("/y", 0),
        new Op.Delete("/y", -1)));
    long z = node.lastApplied();
    assertThat(z).isEqualTo(before.lastApplied() + 1);
    assertThat(node.mark().lastLogged()).isEqualTo(z);

    assertThat(r).hasSize(4);
    OpResult.Created c = (OpResult.Created) r.get(0);
    assertThat(c.path()).isEqualTo("/m");
    assertThat(c.stat().czxid()).isEqualTo(z);
    OpResult.DataSet d = (OpResult.DataSet) r.get(1);
    assertThat(d.path()).isEqualTo("/x");
    assertThat(d.stat().version()).isEqualTo(1);
    assertThat(d.stat().mzxid()).isEqualTo(z);
    assertThat(r.get(2)).isEqualTo(new OpResult.Checked("/y"));
    assertThat(r.get(3)).isEqualTo(new OpResult.Deleted("/y"));

    assertThat(node.data("/m")).isEqualTo("1");
    assertThat(node.data("/x")).isEqualTo("x1");
    assertThat(node.exists("/y")).isFalse();
    assertThat(node.stat("/").pzxid()).isEqualTo(z);
    assertThat(node.changesAt(z)).extracting(ChangeEvent::kind, ChangeEvent::path).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_CREATED, "/m"),
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_DATA_CHANGED, "/x"),
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_DELETED, "/y"));
  }

  @Test
  void failingCheckRollsBackEverything() {
    TestNode.Mark before = node.mark();
    MultiFailedException e = failing(multi(
        create("/m", "1"),
        new Op.SetData("/x", "x1".getBytes(), 0),
        new Op.Check("/y", 7),
        new Op.Delete("/y", -1),
        create("/n", null)));
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(e.failedIndex()).isEqualTo(2);
    assertThat(e.results()).extracting(res -> ((Error) res).code()).containsExactly(
        ErrorCode.OK, ErrorCode.OK, ErrorCode.BAD_VERSION, ErrorCode.RUNTIME_INCONSISTENCY,
        ErrorCode.RUNTIME_INCONSISTENCY);

    assertThat(node.mark()).isEqualTo(before);
    assertThat(node.exists("/m")).isFalse();
    assertThat(node.data("/x")).isEqualTo("x0");
    assertThat(node.stat("/x").version()).isZero();
    assertThat(node.exists("/y")).isTrue();
    assertThat(node.changes.stream().filter(c -> c.zxid() > before.lastApplied())).isEmpty();

    // the failure reserved nothing: the next write takes the next zxid and works on the old state
    node.setData("/x", "x1", 0);
    assertThat(node.lastApplied()).isEqualTo(before.lastApplied() + 1);
  }

  @Test
  void firstOpFailing() {
    TestNode.Mark before = node.mark();
    MultiFailedException e = failing(multi(new Op.Delete("/missing", -1), create("/m", null)));
    assertThat(e.code()).isEqualTo(ErrorCode.NO_NODE);
    assertThat(e.failedIndex()).isZero();
    assertThat(e.results()).extracting(res -> ((Error) res).code())
        .containsExactly(ErrorCode.NO_NODE, ErrorCode.RUNTIME_INCONSISTENCY);
    assertThat(node.mark()).isEqualTo(before);
  }

  @Test
  void opsSeeEarlierOps() {
    long before = node.lastApplied();
    List<OpResult> r = node.submit(0, multi(create("/m", "p"), create("/m/c", "c")));
    long z = node.lastApplied();
    assertThat(z).isEqualTo(before + 1);
    assertThat(r).extracting(o -> ((OpResult.Created) o).path()).containsExactly("/m", "/m/c");
    assertThat(node.children("/m")).containsExactly("c");
    assertThat(node.stat("/m").cversion()).isEqualTo(1);
    assertThat(node.stat("/m").pzxid()).isEqualTo(z);
    assertThat(node.stat("/m").numChildren()).isEqualTo(1);

    // a check sees the version written by an earlier setData of the same multi
    node.submit(0, multi(new Op.SetData("/x", "a".getBytes(), 0), new Op.Check("/x", 1),
        new Op.SetData("/x", "b".getBytes(), 1)));
    assertThat(node.data("/x")).isEqualTo("b");
    assertThat(node.stat("/x").version()).isEqualTo(2);

    // ... and a check of the old version fails
    MultiFailedException e = failing(multi(new Op.SetData("/x", "c".getBytes(), 2), new Op.Check("/x", 2)));
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(e.failedIndex()).isEqualTo(1);

    // create and delete in one multi leaves nothing but the parent's bookkeeping
    long zBefore = node.lastApplied();
    node.submit(0, multi(create("/tmp", null), create("/tmp/k", null), new Op.Delete("/tmp/k", 0),
        new Op.Delete("/tmp", 0)));
    assertThat(node.exists("/tmp")).isFalse();
    assertThat(node.stat("/").pzxid()).isEqualTo(zBefore + 1);

    // delete then re-create in one multi
    node.submit(0, multi(new Op.Delete("/y", 0), create("/y", "again")));
    assertThat(node.data("/y")).isEqualTo("again");
    assertThat(node.stat("/y").czxid()).isEqualTo(node.lastApplied());
  }

  @Test
  void conflictsWithinOneMultiFail() {
    TestNode.Mark before = node.mark();
    MultiFailedException e = failing(multi(create("/m", null), create("/m", null)));
    assertThat(e.code()).isEqualTo(ErrorCode.NODE_EXISTS);
    assertThat(e.failedIndex()).isEqualTo(1);

    e = failing(multi(create("/m", null), create("/m/c", null), new Op.Delete("/m", -1)));
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_EMPTY);
    assertThat(e.failedIndex()).isEqualTo(2);

    e = failing(multi(new Op.Delete("/y", -1), new Op.SetData("/y", null, -1)));
    assertThat(e.code()).isEqualTo(ErrorCode.NO_NODE);
    assertThat(e.failedIndex()).isEqualTo(1);
    assertThat(node.mark()).isEqualTo(before);
  }

  @Test
  void sequentialNamesInOneMultiAreConsecutive() {
    node.create("/q", "");
    List<OpResult> r = node.submit(0, multi(
        new Op.Create("/q/n-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, false),
        new Op.Create("/q/n-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, false)));
    assertThat(r).extracting(o -> ((OpResult.Created) o).path())
        .containsExactly("/q/n-0000000000", "/q/n-0000000001");
    assertThat(node.stat("/q").cversion()).isEqualTo(2);
  }

  @Test
  void createParentsInsideMultiStillGivesOneResultPerOp() {
    long before = node.lastApplied();
    List<OpResult> r = node.submit(0, multi(
        new Op.Create("/p/q/leaf", "l".getBytes(), CreateMode.PERSISTENT, 0, true),
        new Op.SetData("/p/q", "q".getBytes(), 0),
        new Op.Create("/p/q/s/n-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, true),
        new Op.Check("/p", 0)));
    assertThat(node.lastApplied()).isEqualTo(before + 1);
    assertThat(r).as("docs/protocol.md: results, one per op").hasSize(4);
    assertThat(((OpResult.Created) r.get(0)).path()).isEqualTo("/p/q/leaf");
    assertThat(((OpResult.DataSet) r.get(1)).stat().version()).isEqualTo(1);
    assertThat(((OpResult.Created) r.get(2)).path()).isEqualTo("/p/q/s/n-0000000000");
    assertThat(r.get(3)).isEqualTo(new OpResult.Checked("/p"));
    assertThat(node.data("/p/q")).isEqualTo("q");
  }

  @Test
  void multiSurvivesRestart() throws Exception {
    node.submit(0, multi(create("/m", "1"), create("/m/c", "2"), new Op.SetData("/x", "x1".getBytes(), -1)));
    StateDigest digest = node.digest();
    node.close();
    node = new TestNode(TestNode.config(dir));
    assertThat(node.digest()).isEqualTo(digest);
  }
}
