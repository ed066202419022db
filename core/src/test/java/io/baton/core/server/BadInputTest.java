package io.baton.core.server;

import static io.baton.core.server.TestNode.errorOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.MultiFailedException;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatcherType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Refused requests get the right code and leave no trace: nothing applied, nothing logged, same state. */
class BadInputTest {
  @TempDir
  Path dir;
  TestNode node;
  long session;
  TestNode.Mark before;

  @BeforeEach
  void open() throws Exception {
    node = new TestNode(TestNode.config(dir).withMaxDataBytes(1024));
    session = node.openSession(30_000);
    node.create("/a", "data");
    node.create("/a/b", "");
    before = node.mark();
    assertThat(before.lastApplied()).isPositive().isEqualTo(before.lastLogged());
  }

  @AfterEach
  void close() {
    try {
      assertThat(node.mark()).as("nothing written").isEqualTo(before);
    } finally {
      node.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "a/b", "/a/", "//", "/a//b", "/.", "/..", "/a/.", "/a/..", "/a/./b", "/a/../b",
      "/a\u0001", "/a\u0000b", "/\u001f", "/a\u007f", "/a\u0085", "/a\ud800", "/a\uffff"})
  void invalidPathIsRefusedEverywhere(String path) {
    List<Runnable> calls = List.of(
        () -> node.create(session, path, "x", CreateMode.PERSISTENT),
        () -> node.create(session, path, "x", CreateMode.EPHEMERAL),
        () -> node.submit(session, new Op.Create(path, null, CreateMode.PERSISTENT, 0, true)),
        () -> node.setData(session, path, "x", -1),
        () -> node.delete(session, path, -1),
        () -> node.submit(session, new Op.Check(path, -1)),
        () -> node.read(session, () -> node.coordinator.reads().getData(session, path, true)),
        () -> node.read(session, () -> node.coordinator.reads().exists(session, path, true)),
        () -> node.read(session, () -> node.coordinator.reads().getChildren(session, path, true)),
        () -> node.call(() -> {
          node.coordinator.reads().addWatch(session, path, AddWatchMode.PERSISTENT);
          return null;
        }),
        () -> node.call(() -> node.coordinator.reads().removeWatches(session, path, WatcherType.ANY)),
        () -> node.call(() -> node.coordinator.reads().getEphemerals(session, path)),
        () -> node.<String>await(c -> node.coordinator.sync(session, path, c)));
    for (int i = 0; i < calls.size(); i++) {
      assertThat(errorOf(calls.get(i))).as("call %d on '%s'", i, path).isEqualTo(ErrorCode.INVALID_PATH);
    }
    assertThat(node.call(() -> node.coordinator.reads().watchCount())).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "//x", "/a//", "/a\u0001"})
  void invalidSequentialPrefix(String prefix) {
    assertThat(errorOf(() -> node.create(session, prefix, "x", CreateMode.PERSISTENT_SEQUENTIAL)))
        .isEqualTo(ErrorCode.INVALID_PATH);
    assertThat(errorOf(() -> node.create(session, prefix, "x", CreateMode.EPHEMERAL_SEQUENTIAL)))
        .isEqualTo(ErrorCode.INVALID_PATH);
  }

  @Test
  void invalidPathInsideMultiFailsTheMulti() {
    MultiFailedException e = catchMulti(() -> node.submit(session, new Command.Multi(List.of(
        new Op.Create("/ok", null, CreateMode.PERSISTENT, 0, false),
        new Op.Create("/bad/", null, CreateMode.PERSISTENT, 0, false)))));
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PATH);
    assertThat(e.failedIndex()).isEqualTo(1);
  }

  @Test
  void dataLargerThanLimitIsTooLarge() {
    String big = "x".repeat(1025);
    assertThat(errorOf(() -> node.create("/big", big))).isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(errorOf(() -> node.create(session, "/big-", big, CreateMode.EPHEMERAL_SEQUENTIAL)))
        .isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(errorOf(() -> node.setData("/a", big, -1))).isEqualTo(ErrorCode.TOO_LARGE);
    MultiFailedException e = catchMulti(() -> node.submit(session, new Command.Multi(List.of(
        new Op.SetData("/a", "small".getBytes(), -1),
        new Op.SetData("/a/b", big.getBytes(), -1)))));
    assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(e.failedIndex()).isEqualTo(1);
    assertThat(node.data("/a")).isEqualTo("data");
  }

  @Test
  void dataAtTheLimitIsAccepted() {
    String exact = "y".repeat(1024);
    node.create("/exact", exact);
    assertThat(node.data("/exact")).isEqualTo(exact);
    assertThat(node.stat("/exact").dataLength()).isEqualTo(1024);
    before = node.mark();
  }

  @Test
  void unknownSessionIsSessionExpired() {
    long unknown = session + 1_000;
    assertThat(errorOf(() -> node.create(unknown, "/x", "", CreateMode.PERSISTENT))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.create(unknown, "/x", "", CreateMode.EPHEMERAL))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.setData(unknown, "/a", "x", -1))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.delete(unknown, "/a/b", -1))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.submit(unknown, new Command.Multi(List.of(new Op.Check("/a", -1))))))
        .isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.read(unknown, () -> node.coordinator.reads().getData(unknown, "/a", false))))
        .isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.heartbeat(unknown))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.closeSession(unknown))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.<String>await(c -> node.coordinator.sync(unknown, "/a", c))))
        .isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.closeSession(0))).isEqualTo(ErrorCode.BAD_ARGUMENTS);
  }

  @Test
  void closedSessionIsSessionExpired() {
    long s = node.openSession(30_000);
    node.closeSession(s);
    before = node.mark();
    assertThat(errorOf(() -> node.create(s, "/x", "", CreateMode.PERSISTENT))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.closeSession(s))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.heartbeat(s))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    assertThat(errorOf(() -> node.read(s, () -> node.coordinator.reads().exists(s, "/a", false))))
        .isEqualTo(ErrorCode.SESSION_EXPIRED);
  }

  @Test
  void ephemeralWithoutSessionIsBadArguments() {
    assertThat(errorOf(() -> node.create(0, "/e", "", CreateMode.EPHEMERAL))).isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(errorOf(() -> node.create(0, "/e-", "", CreateMode.EPHEMERAL_SEQUENTIAL)))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(errorOf(() -> node.submit(0, new Op.Create("/x/e", null, CreateMode.EPHEMERAL, 0, true))))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(node.exists("/x")).isFalse();
  }

  @Test
  void watchesWithoutSessionAreBadArguments() {
    assertThat(errorOf(() -> node.call(() -> node.coordinator.reads().getData(0, "/a", true))))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(errorOf(() -> node.call(() -> node.coordinator.reads().exists(0, "/a", true))))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(errorOf(() -> node.call(() -> node.coordinator.reads().exists(0, "/missing", true))))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(errorOf(() -> node.call(() -> node.coordinator.reads().getChildren(0, "/", true))))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    for (AddWatchMode mode : AddWatchMode.values()) {
      assertThat(errorOf(() -> node.call(() -> {
        node.coordinator.reads().addWatch(0, "/a", mode);
        return null;
      }))).isEqualTo(ErrorCode.BAD_ARGUMENTS);
    }
    assertThat(errorOf(() -> node.call(() -> node.coordinator.reads().removeWatches(0, "/a", WatcherType.ANY))))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(errorOf(() -> node.call(() -> node.coordinator.reads().getEphemerals(0, "/"))))
        .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    assertThat(node.call(() -> node.coordinator.reads().watchCount())).isZero();
    // without a watch, session 0 may read
    assertThat(node.data("/a")).isEqualTo("data");
  }

  @Test
  void resultsOfRefusalsDoNotLeakIntoLaterWrites() {
    // a refused create must not reserve a sequence number or a zxid
    assertThat(errorOf(() -> node.create(0, "/a/b/c-", "x".repeat(2000), CreateMode.PERSISTENT_SEQUENTIAL)))
        .isEqualTo(ErrorCode.TOO_LARGE);
    List<OpResult> r = node.submit(0, new Op.Create("/a/b/c-", null, CreateMode.PERSISTENT_SEQUENTIAL, 0, false));
    assertThat(((OpResult.Created) r.get(0)).path()).isEqualTo("/a/b/c-0000000000");
    assertThat(node.lastApplied()).isEqualTo(before.lastApplied() + 1);
    before = node.mark();
  }

  private static MultiFailedException catchMulti(Runnable call) {
    try {
      call.run();
    } catch (MultiFailedException e) {
      return e;
    }
    throw new AssertionError("expected MultiFailedException");
  }
}
