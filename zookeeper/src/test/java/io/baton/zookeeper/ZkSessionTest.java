package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions through the official client: resumed after the connection drops (same id, ephemerals kept,
 * the watch events missed meanwhile delivered by setWatches), refused with a wrong password, expired
 * when the client stays away past its timeout, closed by closeSession.
 */
class ZkSessionTest {
  @TempDir
  Path dir;
  ZkNode node;
  TcpProxy proxy;
  ZooKeeper writer;

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir);
    proxy = new TcpProxy(node.zkPort);
    writer = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    writer.close();
    proxy.close();
    node.close();
  }

  private ZooKeeper throughProxy(int timeoutMs, Events events) throws Exception {
    ZooKeeper zk = new ZooKeeper("127.0.0.1:" + proxy.port(), timeoutMs, events);
    assertThat(events.nextState(15)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
    return zk;
  }

  @Test
  void aDroppedConnectionResumesItsSessionWithEphemeralsAndTheEventsItMissed() throws Exception {
    writer.create("/data", "0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    writer.create("/kids", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    writer.create("/gone", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    writer.create("/quiet", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    Events state = new Events();
    ZooKeeper zk = throughProxy(20_000, state);
    try {
      long session = zk.getSessionId();
      zk.create("/mine", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      Events data = new Events();
      Events kids = new Events();
      Events gone = new Events();
      Events born = new Events();
      Events quiet = new Events();
      Events persistent = new Events();
      zk.getData("/data", data, null);
      zk.getChildren("/kids", kids);
      zk.getData("/gone", gone, null);
      zk.exists("/born", born);
      zk.getData("/quiet", quiet, null);
      zk.addWatch("/kids", persistent, AddWatchMode.PERSISTENT);

      proxy.cut();
      assertThat(state.nextState(10)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
      writer.setData("/data", "1".getBytes(), -1);
      writer.create("/kids/k", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      writer.delete("/gone", -1);
      writer.create("/born", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      assertThat(writer.exists("/mine", false)).as("the ephemeral outlives the connection").isNotNull();
      proxy.heal();

      assertThat(state.nextState(20)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
      assertThat(zk.getSessionId()).isEqualTo(session);
      assertThat(Events.describe(data.next())).isEqualTo("NodeDataChanged /data");
      assertThat(Events.describe(kids.next())).isEqualTo("NodeChildrenChanged /kids");
      assertThat(Events.describe(gone.next())).isEqualTo("NodeDeleted /gone");
      assertThat(Events.describe(born.next())).isEqualTo("NodeCreated /born");
      quiet.none(200);
      // not replayed (as in ZooKeeper), but set again: it fires on the next change
      writer.create("/kids/k2", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      assertThat(Events.describe(persistent.next())).isEqualTo("NodeChildrenChanged /kids");
      // the quiet watch was set again too
      writer.setData("/quiet", "x".getBytes(), -1);
      assertThat(Events.describe(quiet.next())).isEqualTo("NodeDataChanged /quiet");
      assertThat(zk.getEphemerals()).containsExactly("/mine");
    } finally {
      zk.close();
    }
    assertThat(writer.exists("/mine", false)).as("closeSession removes the ephemeral").isNull();
  }

  @Test
  void aWrongPasswordGetsExpired() throws Exception {
    long session = writer.getSessionId();
    byte[] wrong = writer.getSessionPasswd().clone();
    wrong[0] ^= 1;
    Events events = new Events();
    ZooKeeper impostor = new ZooKeeper(node.connectString(), 10_000, events, session, wrong);
    try {
      assertThat(events.nextState(15)).isEqualTo(Watcher.Event.KeeperState.Expired);
    } finally {
      impostor.close();
    }
    assertThat(writer.exists("/", false)).as("the real client keeps its session").isNotNull();
  }

  @Test
  void theRightPasswordResumesTheSessionFromAnotherClient() throws Exception {
    writer.create("/owned", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    Events events = new Events();
    ZooKeeper same = new ZooKeeper(node.connectString(), 10_000, events, writer.getSessionId(),
        writer.getSessionPasswd());
    try {
      assertThat(events.nextState(15)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
      assertThat(same.getEphemerals()).containsExactly("/owned");
    } finally {
      same.close();
    }
  }

  @Test
  void aClientAwayPastItsTimeoutFindsItsSessionExpiredAndItsEphemeralsGone() throws Exception {
    Events state = new Events();
    ZooKeeper zk = throughProxy(2_000, state);
    try {
      zk.create("/short", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      proxy.cut();
      assertThat(state.nextState(10)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
      await().atMost(Duration.ofSeconds(10)).until(() -> writer.exists("/short", false) == null);
      proxy.heal();
      assertThat(state.nextState(20)).isEqualTo(Watcher.Event.KeeperState.Expired);
      assertThatThrownBy(() -> zk.exists("/", false)).isInstanceOf(KeeperException.SessionExpiredException.class);
    } finally {
      zk.close();
    }
  }

  @Test
  void pingsKeepAnIdleSessionAlive() throws Exception {
    Events state = new Events();
    ZooKeeper zk = node.client(2_000, state);
    try {
      zk.create("/alive", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      Thread.sleep(5_000);
      assertThat(writer.exists("/alive", false)).isNotNull();
      assertThat(zk.getChildren("/", false)).contains("alive");
      assertThat(zk.getState().isConnected()).isTrue();
    } finally {
      zk.close();
    }
  }
}
