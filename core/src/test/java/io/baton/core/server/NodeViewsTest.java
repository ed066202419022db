package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.auth.Caller;
import io.baton.core.error.BatonException;
import io.baton.core.tree.CreateMode;
import io.baton.core.view.ChildPage;
import io.baton.core.view.NodePreview;
import io.baton.core.view.SessionInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operators' views: counts and data bytes (kept across a restart), bounded pages, previews, sessions. */
class NodeViewsTest {
  @TempDir
  Path dir;

  @Test
  void statusCountsDataBytesAcrossChangesAndRestart() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/a", "12345");
      node.create("/a/b", "xy");
      node.setData("/a", "1", 0);
      node.create("/c", "abc");
      node.delete("/c", 0);
      assertThat(node.call(() -> node.coordinator.views().status().dataBytes())).isEqualTo(3);
      // the root, /a, /a/b and ZooKeeper's built-in /zookeeper, /zookeeper/quota, /zookeeper/config
      assertThat(node.call(() -> node.coordinator.views().status().znodes())).isEqualTo(6);
      node.await((io.baton.core.server.Completion<Long> done) -> node.coordinator.snapshot(done));
      node.create("/d", "dddd");
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.call(() -> node.coordinator.views().status().dataBytes())).isEqualTo(7);
    }
  }

  @Test
  void childPagesAndPreviewsAreBounded() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/wide", "");
      for (int i = 0; i < 1000; i++) {
        node.create("/wide/n" + i, "");
      }
      node.create("/big", "x".repeat(10_000));
      Set<String> seen = new HashSet<>();
      int cursor = 0;
      while (cursor >= 0) {
        int from = cursor;
        ChildPage page = node.call(() -> node.coordinator.views().children(Caller.ANONYMOUS, "/wide", from, 64));
        assertThat(page.names()).hasSizeLessThanOrEqualTo(64).isSorted();
        assertThat(page.stat().numChildren()).isEqualTo(1000);
        seen.addAll(page.names());
        cursor = page.next();
      }
      assertThat(seen).hasSize(1000);
      NodePreview preview = node.call(() -> node.coordinator.views().node(Caller.ANONYMOUS, "/big", 100));
      assertThat(preview.head()).hasSize(100);
      assertThat(preview.truncated()).isTrue();
      assertThatThrownBy(() -> node.call(() -> node.coordinator.views().node(Caller.ANONYMOUS, "/none", 1)))
          .isInstanceOf(BatonException.class).hasMessageContaining("/none");
    }
  }

  @Test
  void sessionPagesInIdOrder() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(node.openSession(10_000));
      }
      node.create(ids.get(0), "/e", "", CreateMode.EPHEMERAL);
      AtomicLong after = new AtomicLong();
      List<SessionInfo> all = new ArrayList<>();
      while (true) {
        List<SessionInfo> page = node.call(() -> node.coordinator.views().sessions(after.get(), 2));
        if (page.isEmpty()) {
          break;
        }
        all.addAll(page);
        after.set(page.get(page.size() - 1).id());
      }
      assertThat(all).extracting(SessionInfo::id).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(all.stream().filter(s -> s.id() == ids.get(0)).findFirst().orElseThrow().ephemerals()).isEqualTo(1);
    }
  }
}
