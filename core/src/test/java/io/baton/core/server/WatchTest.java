package io.baton.core.server;

import static io.baton.core.server.TestNode.errorOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatcherType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper's watch trigger rules. Events are delivered on the owner thread before a write's
 * completion runs, so they are recorded once a blocking TestNode call returns.
 */
class WatchTest {
  @TempDir
  Path dir;
  TestNode node;
  long s1;
  long s2;

  @BeforeEach
  void open() throws Exception {
    node = new TestNode(TestNode.config(dir));
    s1 = node.openSession(30_000);
    s2 = node.openSession(30_000);
  }

  @AfterEach
  void close() {
    node.close();
  }

  private WatchEvent ev(EventType type, String path) {
    return new WatchEvent(type, path, node.lastApplied());
  }

  private void getDataWatch(long s, String path) {
    node.read(s, () -> node.coordinator.reads().getData(s, path, true));
  }

  private void existsWatch(long s, String path) {
    node.read(s, () -> node.coordinator.reads().exists(s, path, true));
  }

  private void childWatch(long s, String path) {
    node.read(s, () -> node.coordinator.reads().getChildren(s, path, true));
  }

  private void addWatch(long s, String path, AddWatchMode mode) {
    node.call(() -> {
      node.coordinator.reads().addWatch(s, path, mode);
      return null;
    });
  }

  private List<WatchEvent> remove(long s, String path, WatcherType type) {
    return node.call(() -> node.coordinator.reads().removeWatches(s, path, type));
  }

  private int watchCount() {
    return node.call(() -> node.coordinator.reads().watchCount());
  }

  @Test
  void getDataWatchIsOneShotAndFiresOnDelete() {
    node.create("/a", "0");
    getDataWatch(s1, "/a");
    assertThat(watchCount()).isEqualTo(1);
    node.setData("/a", "1", -1);
    WatchEvent changed = ev(EventType.NodeDataChanged, "/a");
    assertThat(node.events(s1)).containsExactly(changed);
    assertThat(watchCount()).isZero();
    node.setData("/a", "2", -1);
    assertThat(node.events(s1)).as("one-shot").containsExactly(changed);

    getDataWatch(s1, "/a");
    node.create("/a/child", ""); // not a data event of /a
    assertThat(node.events(s1)).containsExactly(changed);
    node.delete("/a/child", -1);
    node.delete("/a", -1);
    assertThat(node.events(s1)).containsExactly(changed, ev(EventType.NodeDeleted, "/a"));
    assertThat(node.events(s2)).isEmpty();
    assertThat(watchCount()).isZero();
  }

  @Test
  void getDataOnMissingNodeSetsNoWatch() {
    assertThat(errorOf(() -> getDataWatch(s1, "/missing"))).isEqualTo(ErrorCode.NO_NODE);
    assertThat(errorOf(() -> childWatch(s1, "/missing"))).isEqualTo(ErrorCode.NO_NODE);
    assertThat(watchCount()).isZero();
    node.create("/missing", "");
    assertThat(node.events(s1)).isEmpty();
  }

  @Test
  void existsWatchOnMissingNodeFiresNodeCreated() {
    assertThat(node.read(s1, () -> node.coordinator.reads().exists(s1, "/b", true))).isNull();
    node.create("/b", "");
    assertThat(node.events(s1)).containsExactly(ev(EventType.NodeCreated, "/b"));
    node.setData("/b", "x", -1);
    assertThat(node.events(s1)).hasSize(1);

    // exists on an existing node is a data watch
    existsWatch(s1, "/b");
    node.setData("/b", "y", -1);
    assertThat(node.events(s1)).last().isEqualTo(ev(EventType.NodeDataChanged, "/b"));

    // ephemeral creation through a session fires it too
    existsWatch(s2, "/eph");
    node.create(s1, "/eph", "", CreateMode.EPHEMERAL);
    assertThat(node.events(s2)).containsExactly(ev(EventType.NodeCreated, "/eph"));
  }

  @Test
  void childWatchFiresOnChildCreateDeleteAndNodeDeleteButNotOnSetData() {
    node.create("/p", "");
    childWatch(s1, "/p");
    node.create("/p/c", "");
    WatchEvent created = ev(EventType.NodeChildrenChanged, "/p");
    assertThat(node.events(s1)).containsExactly(created);
    node.create("/p/d", "");
    assertThat(node.events(s1)).as("one-shot").containsExactly(created);

    childWatch(s1, "/p");
    node.setData("/p", "x", -1);
    node.setData("/p/c", "x", -1);
    node.create("/p/c/grandchild", "");
    assertThat(node.events(s1)).as("data changes and grandchildren do not fire child watches")
        .containsExactly(created);
    node.delete("/p/c/grandchild", -1);
    node.delete("/p/c", -1);
    WatchEvent deleted = ev(EventType.NodeChildrenChanged, "/p");
    assertThat(node.events(s1)).containsExactly(created, deleted);

    childWatch(s1, "/p");
    node.delete("/p/d", -1);
    childWatch(s1, "/p");
    node.delete("/p", -1);
    assertThat(node.events(s1)).hasSize(4).last().isEqualTo(ev(EventType.NodeDeleted, "/p"));
    assertThat(watchCount()).isZero();
  }

  @Test
  void persistentWatchFiresRepeatedlyForDataAndChildEventsOfItsPath() {
    addWatch(s1, "/p", AddWatchMode.PERSISTENT);
    node.create("/p", "");
    WatchEvent e1 = ev(EventType.NodeCreated, "/p");
    node.setData("/p", "1", -1);
    WatchEvent e2 = ev(EventType.NodeDataChanged, "/p");
    node.setData("/p", "2", -1);
    WatchEvent e3 = ev(EventType.NodeDataChanged, "/p");
    node.create("/p/c", "");
    WatchEvent e4 = ev(EventType.NodeChildrenChanged, "/p");
    node.setData("/p/c", "x", -1);
    node.create("/p/c/d", "");
    node.delete("/p/c/d", -1);
    node.create("/px", "");
    node.delete("/p/c", -1);
    WatchEvent e5 = ev(EventType.NodeChildrenChanged, "/p");
    node.delete("/p", -1);
    WatchEvent e6 = ev(EventType.NodeDeleted, "/p");
    node.create("/p", "");
    WatchEvent e7 = ev(EventType.NodeCreated, "/p");
    assertThat(node.events(s1)).containsExactly(e1, e2, e3, e4, e5, e6, e7);
    assertThat(watchCount()).isEqualTo(1);
  }

  @Test
  void persistentRecursiveWatchSeesDescendantsButNeverChildrenChanged() {
    addWatch(s1, "/r", AddWatchMode.PERSISTENT_RECURSIVE);
    node.create("/r", "");
    WatchEvent e1 = ev(EventType.NodeCreated, "/r");
    node.create("/r/a", "");
    WatchEvent e2 = ev(EventType.NodeCreated, "/r/a");
    node.setData("/r/a", "x", -1);
    WatchEvent e3 = ev(EventType.NodeDataChanged, "/r/a");
    node.create("/r/a/b", "");
    WatchEvent e4 = ev(EventType.NodeCreated, "/r/a/b");
    node.create("/rx", ""); // a sibling sharing the prefix is not a descendant
    node.create("/other", "");
    node.delete("/r/a/b", -1);
    WatchEvent e5 = ev(EventType.NodeDeleted, "/r/a/b");
    node.setData("/r", "y", -1);
    WatchEvent e6 = ev(EventType.NodeDataChanged, "/r");
    node.delete("/r/a", -1);
    WatchEvent e7 = ev(EventType.NodeDeleted, "/r/a");
    assertThat(node.events(s1)).containsExactly(e1, e2, e3, e4, e5, e6, e7);
    assertThat(node.events(s1)).extracting(WatchEvent::type).doesNotContain(EventType.NodeChildrenChanged);
    assertThat(watchCount()).isEqualTo(1);
  }

  @Test
  void recursiveWatchOnRootSeesEverything() {
    addWatch(s1, "/", AddWatchMode.PERSISTENT_RECURSIVE);
    node.create("/a", "");
    WatchEvent e1 = ev(EventType.NodeCreated, "/a");
    node.create("/a/b", "");
    WatchEvent e2 = ev(EventType.NodeCreated, "/a/b");
    assertThat(node.events(s1)).containsExactly(e1, e2);
  }

  @Test
  void removeWatchesRemovesAndSecondRemovalIsNoWatcher() {
    node.create("/a", "");
    getDataWatch(s1, "/a");
    getDataWatch(s2, "/a");
    long z = node.lastApplied();
    assertThat(remove(s1, "/a", WatcherType.DATA))
        .containsExactly(new WatchEvent(EventType.DataWatchRemoved, "/a", z));
    assertThat(errorOf(() -> remove(s1, "/a", WatcherType.DATA))).isEqualTo(ErrorCode.NO_WATCHER);
    node.setData("/a", "x", -1);
    assertThat(node.events(s1)).isEmpty();
    assertThat(node.events(s2)).as("other session's watch untouched")
        .containsExactly(ev(EventType.NodeDataChanged, "/a"));

    childWatch(s1, "/a");
    assertThat(errorOf(() -> remove(s1, "/a", WatcherType.DATA))).isEqualTo(ErrorCode.NO_WATCHER);
    assertThat(remove(s1, "/a", WatcherType.CHILDREN)).extracting(WatchEvent::type)
        .containsExactly(EventType.ChildWatchRemoved);
    assertThat(errorOf(() -> remove(s1, "/a", WatcherType.CHILDREN))).isEqualTo(ErrorCode.NO_WATCHER);

    addWatch(s1, "/a", AddWatchMode.PERSISTENT);
    assertThat(errorOf(() -> remove(s1, "/a", WatcherType.PERSISTENT_RECURSIVE))).isEqualTo(ErrorCode.NO_WATCHER);
    assertThat(remove(s1, "/a", WatcherType.PERSISTENT)).extracting(WatchEvent::type)
        .containsExactly(EventType.PersistentWatchRemoved);
    addWatch(s1, "/a", AddWatchMode.PERSISTENT_RECURSIVE);
    assertThat(remove(s1, "/a", WatcherType.PERSISTENT_RECURSIVE)).extracting(WatchEvent::type)
        .containsExactly(EventType.PersistentWatchRemoved);

    getDataWatch(s1, "/a");
    childWatch(s1, "/a");
    addWatch(s1, "/a", AddWatchMode.PERSISTENT);
    assertThat(remove(s1, "/a", WatcherType.ANY)).extracting(WatchEvent::type).containsExactly(
        EventType.DataWatchRemoved, EventType.ChildWatchRemoved, EventType.PersistentWatchRemoved);
    assertThat(errorOf(() -> remove(s1, "/a", WatcherType.ANY))).isEqualTo(ErrorCode.NO_WATCHER);
    assertThat(errorOf(() -> remove(s2, "/a", WatcherType.ANY))).isEqualTo(ErrorCode.NO_WATCHER);
    node.create("/a/c", "");
    node.delete("/a/c", -1);
    node.delete("/a", -1);
    assertThat(node.events(s1)).isEmpty();
    assertThat(watchCount()).isZero();
  }

  @Test
  void sessionIsNotifiedOncePerEventEvenWithSeveralWatches() {
    node.create("/a", "");
    getDataWatch(s1, "/a");
    existsWatch(s1, "/a");
    addWatch(s1, "/a", AddWatchMode.PERSISTENT);
    addWatch(s1, "/a", AddWatchMode.PERSISTENT_RECURSIVE);
    addWatch(s1, "/", AddWatchMode.PERSISTENT_RECURSIVE);
    addWatch(s2, "/a", AddWatchMode.PERSISTENT);
    node.setData("/a", "x", -1);
    WatchEvent e = ev(EventType.NodeDataChanged, "/a");
    assertThat(node.events(s1)).containsExactly(e);
    assertThat(node.events(s2)).containsExactly(e);
    assertThat(node.watchEvents).hasSize(2);

    getDataWatch(s1, "/a");
    childWatch(s1, "/a");
    node.delete("/a", -1);
    assertThat(node.events(s1)).containsExactly(e, ev(EventType.NodeDeleted, "/a"));
  }

  @Test
  void createFiresNodeCreatedAndParentChildrenChanged() {
    node.create("/p", "");
    childWatch(s1, "/p");
    existsWatch(s1, "/p/c");
    node.create("/p/c", "");
    assertThat(node.events(s1)).containsExactlyInAnyOrder(ev(EventType.NodeCreated, "/p/c"),
        ev(EventType.NodeChildrenChanged, "/p"));
  }

  @Test
  void watchesOfAClosedSessionAreDropped() {
    node.create("/a", "");
    getDataWatch(s2, "/a");
    childWatch(s2, "/a");
    addWatch(s2, "/", AddWatchMode.PERSISTENT_RECURSIVE);
    assertThat(watchCount()).isEqualTo(3);
    node.closeSession(s2);
    assertThat(watchCount()).isZero();
    node.setData("/a", "x", -1);
    assertThat(node.events(s2)).isEmpty();
  }

  @Test
  void ephemeralDeletionOnSessionCloseFiresOtherSessionsWatches() {
    node.create(s1, "/e", "", CreateMode.EPHEMERAL);
    getDataWatch(s2, "/e");
    childWatch(s2, "/");
    node.closeSession(s1);
    assertThat(node.events(s2)).containsExactlyInAnyOrder(ev(EventType.NodeDeleted, "/e"),
        ev(EventType.NodeChildrenChanged, "/"));
  }
}
