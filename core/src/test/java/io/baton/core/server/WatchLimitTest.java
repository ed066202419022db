package io.baton.core.server;

import static io.baton.core.server.TestNode.errorOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatcherType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches are indexed per session: a session holding a million watches does not make other sessions'
 * expiry scan them, and a session past {@code maxWatchesPerSession} is refused with QuotaExceeded.
 */
class WatchLimitTest {
  @TempDir
  Path dir;

  @Test
  void expiringSessionsCostOnlyTheirOwnWatches() throws Exception {
    CoordinatorConfig config = TestNode.config(dir).withSessionTimeouts(2_000, 60_000);
    // ten times the default limit, to show the cost does not depend on it
    config = config.withLimits(config.limits().with("maxWatchesPerSession", 1_000_000));
    try (TestNode node = new TestNode(config)) {
      long hoarder = node.openSession(60_000);
      node.call(() -> {
        for (int i = 0; i < 1_000_000; i++) {
          node.coordinator.reads().addWatch(hoarder, "/w/" + i, AddWatchMode.PERSISTENT);
        }
        return null;
      });
      List<Long> shortLived = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        long s = node.openSession(2_000);
        shortLived.add(s);
        node.read(s, () -> node.coordinator.reads().exists(s, "/w/" + s, true));
      }
      assertThat(node.call(() -> node.coordinator.reads().watchCount())).isEqualTo(1_000_300);

      // the hoarder stays alive (60 s timeout); the 300 others expire in the same tick
      long start = System.nanoTime();
      node.clockOffset.addAndGet(5_000);
      node.heartbeat(hoarder);
      node.awaitTrue(() -> shortLived.stream().noneMatch(node.coordinator::isSessionOpen)
          && node.coordinator.reads().watchCount() == 1_000_000);
      long ms = (System.nanoTime() - start) / 1_000_000;
      // removing 300 sessions' watches by scanning all watches took ~10 s here; by index it is
      // bounded by the 300 close entries' fsyncs
      assertThat(ms).as("300 expiries with 1M other watches held, in ms").isLessThan(3_000);
      System.out.printf("300 sessions expired with 1,000,000 other watches held: %d ms%n", ms);
      assertThat(node.endedSessions).hasSize(300);
    }
  }

  @Test
  void aSessionPastItsWatchLimitIsRefusedWithQuotaExceeded() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    config = config.withLimits(config.limits().with("maxWatchesPerSession", 3));
    try (TestNode node = new TestNode(config)) {
      long s = node.openSession(30_000);
      long other = node.openSession(30_000);
      node.create("/a", "");
      node.read(s, () -> node.coordinator.reads().getData(s, "/a", true));
      node.read(s, () -> node.coordinator.reads().getChildren(s, "/a", true));
      node.call(() -> {
        node.coordinator.reads().addWatch(s, "/b", AddWatchMode.PERSISTENT_RECURSIVE);
        return null;
      });
      // the same watch again is no new registration
      node.read(s, () -> node.coordinator.reads().getData(s, "/a", true));
      assertThat(errorOf(() -> node.read(s, () -> node.coordinator.reads().exists(s, "/c", true))))
          .isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      assertThat(errorOf(() -> node.call(() -> {
        node.coordinator.reads().addWatch(s, "/d", AddWatchMode.PERSISTENT);
        return null;
      }))).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      // reads without a watch still work, and other sessions are not limited by this one
      assertThat(node.read(s, () -> node.coordinator.reads().exists(s, "/c", false))).isNull();
      node.read(other, () -> node.coordinator.reads().exists(other, "/c", true));

      // a fired one-shot watch and a removed watch free their places
      node.setData("/a", "1", -1);
      node.read(s, () -> node.coordinator.reads().exists(s, "/c", true));
      node.call(() -> node.coordinator.reads().removeWatches(s, "/b", WatcherType.ANY));
      node.call(() -> {
        node.coordinator.reads().addWatch(s, "/d", AddWatchMode.PERSISTENT);
        return null;
      });
      assertThat(node.call(() -> node.coordinator.reads().watchCount())).isEqualTo(4);
      // closing the session frees them all
      node.closeSession(s);
      assertThat(node.call(() -> node.coordinator.reads().watchCount())).isEqualTo(1);
    }
  }
}
