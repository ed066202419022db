package io.baton.core.server;

import static io.baton.core.server.TestNode.errorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.OpResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session lifecycle: timeouts, expiry, heartbeats, close, restart. */
class SessionTest {
  @TempDir
  Path dir;

  private CoordinatorConfig config() {
    return TestNode.config(dir).withSessionTimeouts(4_000, 20_000);
  }

  @Test
  void openSessionClampsTimeoutAndIssuesUniqueIds() throws Exception {
    try (TestNode node = new TestNode(config())) {
      OpResult.SessionOpened low = node.await(c -> node.coordinator.openSession(100, c));
      OpResult.SessionOpened high = node.await(c -> node.coordinator.openSession(1_000_000, c));
      OpResult.SessionOpened mid = node.await(c -> node.coordinator.openSession(10_000, c));
      assertThat(low.timeoutMs()).isEqualTo(4_000);
      assertThat(high.timeoutMs()).isEqualTo(20_000);
      assertThat(mid.timeoutMs()).isEqualTo(10_000);
      assertThat(List.of(low.sessionId(), high.sessionId(), mid.sessionId())).doesNotHaveDuplicates().isSorted();
      assertThat(low.sessionId() >>> 56).as("high byte is the node id").isEqualTo(1);
      assertThat(node.digest().sessions()).containsEntry(low.sessionId(), 4_000)
          .containsEntry(high.sessionId(), 20_000).containsEntry(mid.sessionId(), 10_000).hasSize(3);
      assertThat(node.heartbeat(mid.sessionId())).isEqualTo(10_000);
      assertThat(node.changesAt(node.lastApplied()))
          .extracting(ChangeEvent::kind, ChangeEvent::sessionId, ChangeEvent::version)
          .containsExactly(tuple(ChangeEvent.Kind.SESSION_OPENED, mid.sessionId(), 10_000));
    }
  }

  @Test
  void expiryRemovesEphemeralsInOneEntryAndLaterOpsFail() throws Exception {
    try (TestNode node = new TestNode(config())) {
      long s = node.openSession(5_000);
      long other = node.openSession(20_000);
      node.create("/p", "");
      node.create(s, "/e1", "", CreateMode.EPHEMERAL);
      node.create(s, "/p/e2", "", CreateMode.EPHEMERAL);
      node.create(s, "/p/q-", "", CreateMode.EPHEMERAL_SEQUENTIAL);
      node.create(s, "/keep", "", CreateMode.PERSISTENT);
      node.create(other, "/theirs", "", CreateMode.EPHEMERAL);
      long before = node.mark().lastLogged();

      node.letTicksRun();
      assertThat(node.sessionOpen(s)).isTrue();

      node.clockOffset.addAndGet(6_000);
      node.awaitTrue(() -> !node.coordinator.digest().sessions().containsKey(s));
      long z = node.lastApplied();
      assertThat(z).as("one log entry").isEqualTo(before + 1);
      assertThat(node.mark().lastLogged()).isEqualTo(z);
      assertThat(node.changesAt(z)).extracting(ChangeEvent::kind, ChangeEvent::path, ChangeEvent::cause)
          .containsExactly(
              tuple(ChangeEvent.Kind.NODE_DELETED, "/e1", "SESSION_EXPIRED"),
              tuple(ChangeEvent.Kind.NODE_DELETED, "/p/e2", "SESSION_EXPIRED"),
              tuple(ChangeEvent.Kind.NODE_DELETED, "/p/q-0000000001", "SESSION_EXPIRED"),
              tuple(ChangeEvent.Kind.SESSION_CLOSED, null, "EXPIRED"));
      assertThat(node.endedSessions).anySatisfy(e -> assertThat(e).containsExactly(s, 1));

      assertThat(node.exists("/e1")).isFalse();
      assertThat(node.children("/p")).isEmpty();
      assertThat(node.stat("/p").pzxid()).isEqualTo(z);
      assertThat(node.exists("/keep")).isTrue();
      assertThat(node.sessionOpen(other)).isTrue();
      assertThat(node.exists("/theirs")).isTrue();

      assertThat(errorOf(() -> node.create(s, "/x", "", CreateMode.PERSISTENT))).isEqualTo(ErrorCode.SESSION_EXPIRED);
      assertThat(errorOf(() -> node.read(s, () -> node.coordinator.reads().exists(s, "/", false))))
          .isEqualTo(ErrorCode.SESSION_EXPIRED);
      assertThat(errorOf(() -> node.heartbeat(s))).isEqualTo(ErrorCode.SESSION_EXPIRED);
      assertThat(errorOf(() -> node.closeSession(s))).isEqualTo(ErrorCode.SESSION_EXPIRED);
      assertThat(node.lastApplied()).isEqualTo(z);
    }
  }

  @Test
  void heartbeatKeepsSessionAlive() throws Exception {
    try (TestNode node = new TestNode(config())) {
      long kept = node.openSession(10_000);
      long idle = node.openSession(10_000);
      node.clockOffset.addAndGet(6_000);
      assertThat(node.heartbeat(kept)).isEqualTo(10_000);
      node.clockOffset.addAndGet(6_000); // 12 s after open, 6 s after the heartbeat
      node.awaitTrue(() -> !node.coordinator.digest().sessions().containsKey(idle));
      node.letTicksRun();
      assertThat(node.sessionOpen(kept)).isTrue();

      // any request of the session counts as a heartbeat too
      node.clockOffset.addAndGet(6_000);
      node.read(kept, () -> node.coordinator.reads().exists(kept, "/", false));
      node.clockOffset.addAndGet(6_000);
      node.letTicksRun();
      assertThat(node.sessionOpen(kept)).isTrue();

      node.clockOffset.addAndGet(11_000);
      node.awaitTrue(() -> !node.coordinator.digest().sessions().containsKey(kept));
      assertThat(node.endedSessions).extracting(e -> e[0]).containsExactly(idle, kept);
    }
  }

  @Test
  void closeSessionRemovesEphemerals() throws Exception {
    try (TestNode node = new TestNode(config())) {
      long s = node.openSession(10_000);
      node.create(s, "/a", "", CreateMode.EPHEMERAL);
      node.create(s, "/b", "", CreateMode.EPHEMERAL);
      node.create(s, "/c", "", CreateMode.PERSISTENT);
      long before = node.lastApplied();
      node.closeSession(s);
      long z = node.lastApplied();
      assertThat(z).isEqualTo(before + 1);
      assertThat(node.children("/")).containsExactly("c", "zookeeper");
      assertThat(node.sessionOpen(s)).isFalse();
      assertThat(node.changesAt(z)).extracting(ChangeEvent::kind, ChangeEvent::path, ChangeEvent::cause)
          .containsExactly(
              tuple(ChangeEvent.Kind.NODE_DELETED, "/a", "SESSION_CLOSED"),
              tuple(ChangeEvent.Kind.NODE_DELETED, "/b", "SESSION_CLOSED"),
              tuple(ChangeEvent.Kind.SESSION_CLOSED, null, "CLOSED"));
      assertThat(node.endedSessions).singleElement().satisfies(e -> assertThat(e).containsExactly(s, 0));
      assertThat(errorOf(() -> node.closeSession(s))).isEqualTo(ErrorCode.SESSION_EXPIRED);
    }
  }

  @Test
  void sessionIdsStayUniqueAcrossRestart() throws Exception {
    List<Long> first = new ArrayList<>();
    try (TestNode node = new TestNode(config())) {
      for (int i = 0; i < 3; i++) {
        first.add(node.openSession(10_000));
      }
      node.closeSession(first.get(2));
    }
    List<Long> second = new ArrayList<>();
    try (TestNode node = new TestNode(config())) {
      for (int i = 0; i < 3; i++) {
        second.add(node.openSession(10_000));
      }
      assertThat(node.digest().sessions()).containsOnlyKeys(first.get(0), first.get(1), second.get(0),
          second.get(1), second.get(2));
    }
    HashSet<Long> all = new HashSet<>(first);
    all.addAll(second);
    assertThat(all).hasSize(6);
    assertThat(second).isSorted();
    assertThat(second.get(0)).isGreaterThan(first.get(2));
  }

  @Test
  void liveSessionsSurviveRestartWithAFreshTimeout() throws Exception {
    long s;
    StateDigest digest;
    try (TestNode node = new TestNode(config())) {
      s = node.openSession(5_000);
      node.create(s, "/e", "", CreateMode.EPHEMERAL);
      digest = node.digest();
    }
    // the node was down for a minute, far longer than the session timeout
    try (TestNode node = new TestNode(config(), 60_000)) {
      assertThat(node.sessionOpen(s)).isTrue();
      node.letTicksRun();
      assertThat(node.sessionOpen(s)).as("fresh timeout after restart").isTrue();
      assertThat(node.exists("/e")).isTrue();
      assertThat(node.digest()).isEqualTo(digest);
      node.create(s, "/e2", "", CreateMode.EPHEMERAL);

      node.clockOffset.addAndGet(6_000);
      node.awaitTrue(() -> !node.coordinator.digest().sessions().containsKey(s));
      assertThat(node.exists("/e")).isFalse();
      assertThat(node.exists("/e2")).isFalse();
    }
  }

  @Test
  void aSessionPingedThroughAStallOfTheOwnerThreadSurvivesIt() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir).withSessionTimeouts(1_000, 20_000))) {
      long pinged = node.openSession(1_000);
      long silent = node.openSession(1_000);
      java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
      node.owner.execute(() -> {
        stalled.countDown();
        try {
          Thread.sleep(2_500); // a GC pause, a slow disk: the owner runs nothing
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      stalled.await();
      Thread.sleep(1_200); // the deadlines pass, and ticks fall due, before the first ping is queued
      java.util.concurrent.atomic.AtomicBoolean pinging = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread client = new Thread(() -> {
        // the client keeps pinging; its pings queue behind the stall, after the ticks that fell due in it
        while (pinging.get()) {
          node.owner.execute(() -> node.coordinator.heartbeat(pinged, (r, e) -> {
          }));
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      client.start();
      try {
        // expiry was held, not switched off: the session nobody pinged expires, the pinged one lives
        node.awaitTrue(() -> node.endedSessions.stream().anyMatch(e -> e[0] == silent && e[1] == 1));
        assertThat(node.heartbeat(pinged)).isEqualTo(1_000);
        assertThat(node.endedSessions).extracting(e -> e[0]).containsExactly(silent);
      } finally {
        pinging.set(false);
        client.join();
      }
    }
  }
}
