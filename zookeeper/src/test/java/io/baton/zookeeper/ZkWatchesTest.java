package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watches through the official client: one-shot, persistent and recursive, their removal, their zxids. */
class ZkWatchesTest {
  @TempDir
  Path dir;
  ZkNode node;
  ZooKeeper zk;
  ZooKeeper writer;

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir);
    zk = node.client();
    writer = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
    writer.close();
    node.close();
  }

  private void create(String path) throws Exception {
    writer.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
  }

  @Test
  void oneShotDataChildAndExistWatchesFireOnceWithTheirChangesZxid() throws Exception {
    create("/w");
    Events events = new Events();
    zk.getData("/w", events, null);
    zk.getChildren("/w", events);
    zk.exists("/w/new", events);

    Stat set = writer.setData("/w", "x".getBytes(), -1);
    WatchedEvent changed = events.next();
    assertThat(Events.describe(changed)).isEqualTo("NodeDataChanged /w");
    assertThat(changed.getZxid()).isEqualTo(set.getMzxid());

    String made = writer.create("/w/new", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    WatchedEvent first = events.next();
    WatchedEvent second = events.next();
    assertThat(java.util.List.of(Events.describe(first), Events.describe(second)))
        .containsExactlyInAnyOrder("NodeCreated /w/new", "NodeChildrenChanged /w");
    assertThat(first.getZxid()).isEqualTo(writer.exists(made, false).getCzxid());

    writer.setData("/w", "y".getBytes(), -1);
    writer.delete("/w/new", -1);
    events.none(300);
  }

  @Test
  void theEventComesBeforeTheReplyThatShowsTheChange() throws Exception {
    create("/order");
    Events events = new Events();
    for (int i = 0; i < 20; i++) {
      zk.getData("/order", events, null);
      writer.setData("/order", ("v" + i).getBytes(), -1);
      // read on the watching client: by the time it sees the new data, it has had the event
      byte[] seen = zk.getData("/order", false, null);
      assertThat(new String(seen)).isEqualTo("v" + i);
      assertThat(Events.describe(events.next())).isEqualTo("NodeDataChanged /order");
    }
  }

  @Test
  void existsOnAMissingNodeSetsAWatchThatFiresOnCreateAndDeleteFiresDataAndChildWatches() throws Exception {
    Events events = new Events();
    assertThat(zk.exists("/later", events)).isNull();
    create("/later");
    assertThat(Events.describe(events.next())).isEqualTo("NodeCreated /later");
    Events children = new Events();
    zk.getData("/later", events, null);
    zk.getChildren("/later", children);
    writer.delete("/later", -1);
    assertThat(Events.describe(events.next())).isEqualTo("NodeDeleted /later");
    assertThat(Events.describe(children.next())).isEqualTo("NodeDeleted /later");
    events.none(200);
    children.none(100);
  }

  @Test
  void persistentAndRecursiveWatchesStay() throws Exception {
    create("/p");
    Events persistent = new Events();
    Events recursive = new Events();
    zk.addWatch("/p", persistent, AddWatchMode.PERSISTENT);
    zk.addWatch("/p", recursive, AddWatchMode.PERSISTENT_RECURSIVE);

    writer.setData("/p", "1".getBytes(), -1);
    writer.setData("/p", "2".getBytes(), -1);
    create("/p/c");
    create("/p/c/d");
    writer.setData("/p/c/d", "3".getBytes(), -1);

    assertThat(Events.describe(persistent.next())).isEqualTo("NodeDataChanged /p");
    assertThat(Events.describe(persistent.next())).isEqualTo("NodeDataChanged /p");
    assertThat(Events.describe(persistent.next())).isEqualTo("NodeChildrenChanged /p");
    persistent.none(200);

    assertThat(Events.describe(recursive.next())).isEqualTo("NodeDataChanged /p");
    assertThat(Events.describe(recursive.next())).isEqualTo("NodeDataChanged /p");
    assertThat(Events.describe(recursive.next())).isEqualTo("NodeCreated /p/c");
    assertThat(Events.describe(recursive.next())).isEqualTo("NodeCreated /p/c/d");
    assertThat(Events.describe(recursive.next())).isEqualTo("NodeDataChanged /p/c/d");
    recursive.none(200);
  }

  @Test
  void removeWatchesAndCheckWatchesAnswerNoWatcherWhenThereIsNone() throws Exception {
    create("/r");
    Events events = new Events();
    zk.getData("/r", events, null);
    zk.removeWatches("/r", events, Watcher.WatcherType.Data, false);
    WatchedEvent removed = events.next();
    assertThat(removed.getType()).isEqualTo(Watcher.Event.EventType.DataWatchRemoved);
    writer.setData("/r", "x".getBytes(), -1);
    events.none(300);

    assertThatThrownBy(() -> zk.removeWatches("/r", events, Watcher.WatcherType.Children, false))
        .isInstanceOf(KeeperException.NoWatcherException.class);

    Events persistent = new Events();
    zk.addWatch("/r", persistent, AddWatchMode.PERSISTENT);
    zk.removeAllWatches("/r", Watcher.WatcherType.Persistent, false);
    assertThat(persistent.next().getType()).isEqualTo(Watcher.Event.EventType.PersistentWatchRemoved);
    writer.setData("/r", "y".getBytes(), -1);
    persistent.none(300);
  }

  @Test
  void twoWatchersOfOnePathOnOneClientAskTheServerToCheckBeforeRemovingOne() throws Exception {
    create("/two");
    Events a = new Events();
    Events b = new Events();
    zk.getData("/two", a, null);
    zk.getData("/two", b, null);
    // removing one of two local watchers sends checkWatches (the server must still hold the watch)
    zk.removeWatches("/two", a, Watcher.WatcherType.Data, false);
    assertThat(a.next().getType()).isEqualTo(Watcher.Event.EventType.DataWatchRemoved);
    writer.setData("/two", "x".getBytes(), -1);
    assertThat(Events.describe(b.next())).isEqualTo("NodeDataChanged /two");
  }
}
