package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.baton.core.error.ErrorCode;
import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogCodec;
import io.baton.core.log.LogOptions;
import io.baton.core.log.LogRepair;
import io.baton.core.session.SessionTable;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.DataTree;
import io.baton.core.txn.TxnApplier;
import io.baton.core.txn.UnapplicableEntryException;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteCause;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetDataTxn;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed entry that cannot be applied changes nothing: the applier refuses it whole, a running
 * node halts loudly (its host is told, nothing more is acknowledged), and a node whose log holds one
 * refuses to start, naming it and the command that recovers it.
 */
class ApplySafetyTest {
  @TempDir
  Path dir;

  private static CreateTxn create(String path) {
    return new CreateTxn(path, ByteBuffer.wrap(new byte[0]), 0L, 1, java.util.List.of());
  }

  @Test
  void applierRefusesUnapplicableEntriesWithoutChangingState() {
    DataTree tree = new DataTree();
    SessionTable sessions = new SessionTable();
    TxnApplier applier = new TxnApplier(tree, sessions);
    applier.apply(new LogEntry(1L, 1L, create("/a")));
    long digest = tree.digest();
    List<Object> bad = List.of(
        create("/missing/child"),
        create("/a"),
        new DeleteTxn("/nope", DeleteCause.CLIENT),
        new SetDataTxn("/nope", ByteBuffer.wrap(new byte[1]), 1),
        // the first op would apply; the second cannot, so neither may
        new MultiTxn(List.of(create("/b"), create("/c/d"))),
        new MultiTxn(List.of(create("/a/x"), new DeleteTxn("/a", DeleteCause.CLIENT))),
        new CloseSessionTxn(7L, CloseReason.CLOSED, List.of()));
    long zxid = 2;
    for (Object txn : bad) {
      long z = zxid++;
      assertThatThrownBy(() -> applier.apply(new LogEntry(z, 1L, txn)))
          .isInstanceOf(UnapplicableEntryException.class);
      assertThat(tree.digest()).isEqualTo(digest);
      assertThat(tree.nodeCount()).as("/, /a and the 3 built-in /zookeeper nodes").isEqualTo(5);
    }
    // an entry whose ops depend on each other applies
    applier.apply(new LogEntry(zxid, 1L, new MultiTxn(List.of(create("/c"), create("/c/d"),
        new DeleteTxn("/c/d", DeleteCause.CLIENT), new DeleteTxn("/c", DeleteCause.CLIENT), create("/c")))));
    assertThat(tree.get("/c")).isNotNull();
    assertThat(tree.get("/c/d")).isNull();
  }

  @Test
  void aCommittedEntryThatCannotApplyHaltsTheNodeLoudly() throws Exception {
    List<String> halts = new CopyOnWriteArrayList<>();
    try (TestNode node = new TestNode(TestNode.config(dir), 0,
        n -> n.coordinator.onFatal((zxid, reason, cause) -> halts.add(Long.toHexString(zxid) + " " + reason)))) {
      node.create("/a", "x");
      TestNode.Mark before = node.mark();
      long zxid = before.lastApplied() + 1;
      LogEntry bad = new LogEntry(zxid, 1L, create("/missing/child"));
      node.call(() -> {
        node.coordinator.applyCommitted(0, bad, new LogCodec().encode(bad));
        return null;
      });
      assertThat(halts).singleElement().asString()
          .startsWith(Long.toHexString(zxid) + " ").contains("parent missing");
      assertThat(node.call(node.coordinator::isHalted)).isTrue();
      assertThat(node.mark()).as("nothing applied, nothing logged").isEqualTo(before);
      ErrorCode refused = TestNode.errorOf(() -> node.create("/b", "y"));
      assertThat(refused).isEqualTo(ErrorCode.NOT_READY);
      assertThat(TestNode.errorOf(() -> node.data("/a"))).isEqualTo(ErrorCode.NOT_READY);
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.data("/a")).isEqualTo("x");
      assertThat(node.exists("/b")).isFalse();
    }
  }

  @Test
  void aFailedAppendIsNeverAppliedAndHaltsTheNode() throws Exception {
    List<String> halts = new CopyOnWriteArrayList<>();
    try (TestNode node = new TestNode(TestNode.config(dir), 0,
        n -> n.coordinator.onFatal((zxid, reason, cause) -> halts.add(reason)))) {
      node.create("/a", "x");
      StateDigest before = node.digest();
      node.call(() -> {
        node.coordinator.log().close(); // every later append fails
        return null;
      });
      assertThat(TestNode.errorOf(() -> node.create("/b", "y"))).isEqualTo(ErrorCode.CONNECTION_LOSS);
      assertThat(halts).singleElement().asString().contains("appending the entry to the log failed");
      assertThat(node.call(node.coordinator::digest)).as("the failed write is not applied").isEqualTo(before);
      node.letTicksRun();
      assertThat(node.call(node.coordinator::digest)).isEqualTo(before);
      assertThat(TestNode.errorOf(() -> node.create("/c", "z"))).isEqualTo(ErrorCode.NOT_READY);
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.data("/a")).isEqualTo("x");
      assertThat(node.exists("/b")).isFalse();
    }
  }

  @Test
  void startUpRefusesAnUnreplayableEntryAndLogTruncateRecovers() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    long last;
    try (TestNode node = new TestNode(config)) {
      node.create("/a", "1");
      node.create("/a/b", "2");
      last = node.lastApplied();
    }
    long badZxid = last + 1;
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
      log.append(new LogEntry(badZxid, 1L, create("/missing/child")));
      log.append(new LogEntry(badZxid + 1, 1L, create("/later")));
      log.sync();
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      UnreplayableEntryException e = catchThrowableOfType(() -> new TestNode(config),
          UnreplayableEntryException.class);
      assertThat(e).as("attempt %d", attempt).isNotNull();
      assertThat(e.zxid()).isEqualTo(badZxid);
      assertThat(e.getMessage()).contains("0x" + Long.toHexString(badZxid), "parent missing", ".cq4",
          "log truncate --data-dir " + dir, "--before-zxid 0x" + Long.toHexString(badZxid), "docs/log.md");
    }
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("log."));
    }

    assertThat(LogRepair.truncateBefore(dir.resolve("log"), LogOptions.defaults(), badZxid)).isEqualTo(2);
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("log.truncated-"));
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.data("/a/b")).isEqualTo("2");
      assertThat(node.exists("/later")).isFalse();
      node.create("/after", "3");
    }
    try (TestNode node = new TestNode(config)) {
      assertThat(node.data("/after")).isEqualTo("3");
    }
  }

  @Test
  void aSessionCloseWhoseEphemeralIsGoneIsRefusedWhole() {
    DataTree tree = new DataTree();
    SessionTable sessions = new SessionTable();
    sessions.open(5L, 10_000);
    TxnApplier applier = new TxnApplier(tree, sessions);
    applier.apply(new LogEntry(1L, 1L, new CreateTxn("/e", ByteBuffer.wrap(new byte[0]), 5L, 1, java.util.List.of())));
    assertThatThrownBy(() -> applier.apply(new LogEntry(2L, 1L,
        new CloseSessionTxn(5L, CloseReason.CLOSED, List.of("/e", "/gone")))))
        .isInstanceOf(UnapplicableEntryException.class);
    assertThat(tree.get("/e")).isNotNull();
    assertThat(sessions.isOpen(5L)).isTrue();
    assertThat(CreateMode.EPHEMERAL.isEphemeral()).isTrue();
  }
}
