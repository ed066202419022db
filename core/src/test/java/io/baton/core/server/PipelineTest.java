package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelining with GROUP durability: many commands are ordered before any is durable or applied, and
 * validation must see the logged-but-unapplied ones.
 */
class PipelineTest {
  @TempDir
  Path dir;
  TestNode node;

  /** Outcome of one pipelined call: a result or an error code. */
  record Outcome<T>(T result, ErrorCode error) {
  }

  @BeforeEach
  void open() throws Exception {
    // a long group-commit interval keeps entries pending for a while
    CoordinatorConfig c = TestNode.config(dir).withDurability(Durability.GROUP);
    c = new CoordinatorConfig(c.dataDir(), c.nodeId(), c.durability(), 50, c.limits(),
        c.minSessionTimeoutMs(), c.maxSessionTimeoutMs(), c.tickMs(), c.snapshotEveryEntries(),
        c.snapshotsRetained(), c.log(), c.auth());
    node = new TestNode(c);
  }

  @AfterEach
  void close() {
    node.close();
  }

  private static <T> Completion<T> into(CompletableFuture<Outcome<T>> f, List<String> order, String name) {
    return (r, e) -> {
      order.add(name);
      f.complete(new Outcome<>(r, e == null ? null : e.code()));
    };
  }

  private static <T> Outcome<T> get(CompletableFuture<Outcome<T>> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void pipelinedCommandsSeeEachOther() throws Exception {
    long base = node.lastApplied();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Outcome<List<OpResult>>>> fs = new ArrayList<>();
    List<Command> commands = List.of(
        new Op.Create("/p", "p".getBytes(), CreateMode.PERSISTENT, 0, false),
        new Op.Create("/p/c", "c".getBytes(), CreateMode.PERSISTENT, 0, false),
        new Op.SetData("/p/c", "c1".getBytes(), 0),
        new Op.SetData("/p/c", "c2".getBytes(), 1),
        new Op.Create("/p/s-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, false), // s-0000000001
        new Op.Create("/p/s-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, false), // s-0000000002
        new Op.Delete("/p/s-0000000001", 0),
        new Op.Create("/p/s-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, false),
        new Command.Multi(List.of(new Op.Check("/p/c", 2), new Op.Create("/p/m", null, CreateMode.PERSISTENT, 0,
            false))));
    long[] during = node.call(() -> {
      for (int i = 0; i < commands.size(); i++) {
        CompletableFuture<Outcome<List<OpResult>>> f = new CompletableFuture<>();
        fs.add(f);
        node.coordinator.submit(0, commands.get(i), into(f, order, "w" + i));
      }
      return new long[] {node.coordinator.lastApplied(), node.coordinator.log().lastZxid()};
    });
    assertThat(during[0]).as("nothing applied while submitting").isEqualTo(base);
    assertThat(during[1]).as("everything logged").isGreaterThan(base);

    for (int i = 0; i < fs.size(); i++) {
      assertThat(get(fs.get(i)).error()).as("command %d", i).isNull();
    }
    assertThat(order).containsExactly("w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8");
    assertThat(((OpResult.Created) get(fs.get(7)).result().get(0)).path()).isEqualTo("/p/s-0000000003");
    assertThat(node.data("/p/c")).isEqualTo("c2");
    assertThat(node.stat("/p/c").version()).isEqualTo(2);
    assertThat(node.children("/p")).containsExactly("c", "m", "s-0000000002", "s-0000000003");
    assertThat(node.lastApplied()).isEqualTo(during[1]);
  }

  @Test
  void pipelinedConflictsAreDetectedAgainstPendingEntries() throws Exception {
    node.create("/x", "");
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Outcome<List<OpResult>>> create = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> dup = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> fresh = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> stale = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> del = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> afterDel = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> notEmpty = new CompletableFuture<>();
    TestNode.Mark before = node.mark();
    node.call(() -> {
      node.coordinator.submit(0, new Op.Create("/n", null, CreateMode.PERSISTENT, 0, false), into(create, order, "a"));
      node.coordinator.submit(0, new Op.Create("/n", null, CreateMode.PERSISTENT, 0, false), into(dup, order, "b"));
      node.coordinator.submit(0, new Op.SetData("/x", null, 0), into(fresh, order, "c0"));
      node.coordinator.submit(0, new Op.SetData("/x", null, 0), into(stale, order, "c"));
      node.coordinator.submit(0, new Op.Create("/x/k", null, CreateMode.PERSISTENT, 0, false),
          into(new CompletableFuture<>(), order, "d0"));
      node.coordinator.submit(0, new Op.Delete("/x", -1), into(notEmpty, order, "d"));
      node.coordinator.submit(0, new Op.Delete("/n", 0), into(del, order, "e"));
      node.coordinator.submit(0, new Op.SetData("/n", null, -1), into(afterDel, order, "f"));
      return null;
    });
    assertThat(get(create).error()).isNull();
    assertThat(get(dup).error()).isEqualTo(ErrorCode.NODE_EXISTS);
    assertThat(get(fresh).error()).isNull();
    assertThat(get(stale).error()).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(get(notEmpty).error()).isEqualTo(ErrorCode.NOT_EMPTY);
    assertThat(get(del).error()).isNull();
    assertThat(get(afterDel).error()).isEqualTo(ErrorCode.NO_NODE);
    // refusals of session-less requests are immediate; accepted ones complete in log order
    assertThat(order).containsSubsequence("a", "c0", "d0", "e");
    assertThat(node.exists("/n")).isFalse();
    assertThat(node.stat("/x").version()).isEqualTo(1);
    assertThat(node.children("/x")).containsExactly("k");
    assertThat(node.lastApplied()).isEqualTo(before.lastApplied() + 4);
  }

  @Test
  void readsOfASessionSeeItsPendingWrites() throws Exception {
    long s = node.openSession(30_000);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Outcome<List<OpResult>>> write = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> write2 = new CompletableFuture<>();
    CompletableFuture<Outcome<NodeData>> read = new CompletableFuture<>();
    CompletableFuture<Outcome<List<String>>> read2 = new CompletableFuture<>();
    CompletableFuture<Outcome<NodeData>> readMissing = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> refused = new CompletableFuture<>();
    boolean appliedAtSubmit = node.call(() -> {
      node.coordinator.submit(s, new Op.Create("/r", "v1".getBytes(), CreateMode.PERSISTENT, 0, false),
          into(write, order, "write"));
      node.coordinator.read(s, () -> node.coordinator.reads().getData(s, "/r", false), into(read, order, "read"));
      // a refused write of the session is answered in order too
      node.coordinator.submit(s, new Op.Create("/r", null, CreateMode.PERSISTENT, 0, false),
          into(refused, order, "refused"));
      node.coordinator.submit(s, new Op.Create("/r/e", null, CreateMode.EPHEMERAL, 0, false),
          into(write2, order, "write2"));
      node.coordinator.read(s, () -> node.coordinator.reads().getChildren(s, "/r", false).names(),
          into(read2, order, "read2"));
      node.coordinator.read(s, () -> node.coordinator.reads().getData(s, "/nope", false),
          into(readMissing, order, "readMissing"));
      return node.coordinator.reads().exists(0, "/r", false) != null;
    });
    assertThat(appliedAtSubmit).as("the write was still pending when the read was issued").isFalse();
    assertThat(get(write).error()).isNull();
    assertThat(new String(get(read).result().data())).isEqualTo("v1");
    assertThat(get(refused).error()).isEqualTo(ErrorCode.NODE_EXISTS);
    assertThat(get(read2).result()).containsExactly("e");
    assertThat(get(readMissing).error()).isEqualTo(ErrorCode.NO_NODE);
    assertThat(order).containsExactly("write", "read", "refused", "write2", "read2", "readMissing");
  }

  @Test
  void closingASessionRemovesItsPendingEphemerals() throws Exception {
    long s = node.openSession(30_000);
    node.create(s, "/committed", "", CreateMode.EPHEMERAL);
    CompletableFuture<Outcome<List<OpResult>>> create = new CompletableFuture<>();
    CompletableFuture<Outcome<Void>> close = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> after = new CompletableFuture<>();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    node.call(() -> {
      node.coordinator.submit(s, new Op.Create("/pending", null, CreateMode.EPHEMERAL, 0, false),
          into(create, order, "create"));
      node.coordinator.submit(s, new Op.Delete("/committed", -1), into(new CompletableFuture<>(), order, "del"));
      node.coordinator.closeSession(s, into(close, order, "close"));
      node.coordinator.submit(s, new Op.Create("/late", null, CreateMode.PERSISTENT, 0, false),
          into(after, order, "late"));
      return null;
    });
    assertThat(get(create).error()).isNull();
    assertThat(get(close).error()).isNull();
    assertThat(get(after).error()).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(order).containsExactly("create", "del", "close", "late");
    assertThat(node.exists("/pending")).isFalse();
    assertThat(node.exists("/committed")).isFalse();
    assertThat(node.exists("/late")).isFalse();
    assertThat(node.sessionOpen(s)).isFalse();
    assertThat(node.changesAt(node.lastApplied())).extracting(c -> c.path())
        .containsExactly("/pending", null);
  }

  @Test
  void closingASessionSparesAnotherSessionsPendingEphemeralOnTheSamePath() throws Exception {
    long s1 = node.openSession(30_000);
    long s2 = node.openSession(30_000);
    node.create(s1, "/lock", "s1", CreateMode.EPHEMERAL);
    CompletableFuture<Outcome<List<OpResult>>> del = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> take = new CompletableFuture<>();
    CompletableFuture<Outcome<Void>> close = new CompletableFuture<>();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    node.call(() -> {
      node.coordinator.submit(0, new Op.Delete("/lock", -1), into(del, order, "del"));
      node.coordinator.submit(s2, new Op.Create("/lock", "s2".getBytes(), CreateMode.EPHEMERAL, 0, false),
          into(take, order, "take"));
      node.coordinator.closeSession(s1, into(close, order, "close"));
      return null;
    });
    assertThat(get(del).error()).isNull();
    assertThat(get(take).error()).isNull();
    assertThat(get(close).error()).isNull();
    assertThat(node.changesAt(node.lastApplied())).extracting(c -> c.kind())
        .containsExactly(io.baton.core.stream.ChangeEvent.Kind.SESSION_CLOSED);
    assertThat(node.exists("/lock")).as("s2's ephemeral survives s1's close").isTrue();
    assertThat(node.stat("/lock").ephemeralOwner()).isEqualTo(s2);
    assertThat(node.data("/lock")).isEqualTo("s2");
    StateDigest d = node.digest();
    node.closeSession(s2);
    assertThat(node.exists("/lock")).isFalse();
    node.close();
    node = new TestNode(TestNode.config(dir));
    assertThat(node.exists("/lock")).isFalse();
    assertThat(d.sessions()).containsOnlyKeys(s2);
  }

  @Test
  void syncCompletesAfterEveryEarlierWrite() throws Exception {
    long s = node.openSession(30_000);
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Outcome<List<OpResult>>> w1 = new CompletableFuture<>();
    CompletableFuture<Outcome<List<OpResult>>> w2 = new CompletableFuture<>();
    CompletableFuture<Outcome<String>> sync = new CompletableFuture<>();
    CompletableFuture<Outcome<String>> idle = new CompletableFuture<>();
    node.call(() -> {
      node.coordinator.submit(0, new Op.Create("/s1", null, CreateMode.PERSISTENT, 0, false), into(w1, order, "w1"));
      node.coordinator.submit(s, new Op.Create("/s2", null, CreateMode.PERSISTENT, 0, false), into(w2, order, "w2"));
      node.coordinator.sync(0, "/s1", into(sync, order, "sync"));
      return null;
    });
    assertThat(get(sync).result()).isEqualTo("/s1");
    assertThat(order).containsExactly("w1", "w2", "sync");
    node.call(() -> {
      node.coordinator.sync(s, "/", into(idle, order, "idle"));
      return null;
    });
    assertThat(get(idle).result()).isEqualTo("/");
  }

  @Test
  void pipelinedWritesSurviveRestart() throws Exception {
    List<CompletableFuture<Outcome<List<OpResult>>>> fs = new ArrayList<>();
    node.call(() -> {
      for (int i = 0; i < 200; i++) {
        CompletableFuture<Outcome<List<OpResult>>> f = new CompletableFuture<>();
        fs.add(f);
        node.coordinator.submit(0, new Op.Create("/n" + i, ("d" + i).getBytes(), CreateMode.PERSISTENT, 0, false),
            into(f, Collections.synchronizedList(new ArrayList<>()), "n"));
      }
      return null;
    });
    for (CompletableFuture<Outcome<List<OpResult>>> f : fs) {
      assertThat(get(f).error()).isNull();
    }
    StateDigest d = node.digest();
    assertThat(d.nodeCount()).as("with the 3 built-in /zookeeper nodes").isEqualTo(204);
    node.close();
    node = new TestNode(TestNode.config(dir));
    assertThat(node.digest()).isEqualTo(d);
  }
}
