package io.baton.vertx;

import static io.baton.vertx.TestSupport.await;
import static io.baton.vertx.TestSupport.batonFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.NodeData;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node started by the launcher with its bridge and its ZooKeeper port: the JSON face (the client
 * over the TCP bridge) and the ZooKeeper face (the official ZooKeeper client) serve the same tree,
 * with the same stats, watches, sessions and ACLs.
 */
class ZooKeeperFaceTest {
  @TempDir
  Path dataDir;
  private Vertx server;
  private Vertx remote;
  private CoordinationClient json;
  private ZooKeeper zk;
  private final BlockingQueue<WatchedEvent> zkEvents = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    server = Vertx.vertx();
    Main.Listening ports = await(Main.serve(server, TestSupport.config(dataDir, "group")
        .put("bridgePort", 0).put("zkPort", 0)));
    assertThat(ports.zkPort()).isPositive();
    assertThat(ports.zkTlsPort()).as("no zkTls").isEqualTo(-1);
    assertThat(ports.describe()).contains("ZooKeeper clients on 127.0.0.1:" + ports.zkPort());
    remote = Vertx.vertx();
    json = await(CoordinationClient.connectBridge(remote, "127.0.0.1", ports.bridge().first(), ClientOptions.defaults()));
    CountDownLatch connected = new CountDownLatch(1);
    zk = new ZooKeeper("127.0.0.1:" + ports.zkPort(), 10_000, e -> {
      if (e.getType() == Watcher.Event.EventType.None) {
        if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
          connected.countDown();
        }
      } else {
        zkEvents.add(e);
      }
    });
    assertThat(connected.await(15, TimeUnit.SECONDS)).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
    await(remote.close());
    await(server.close());
  }

  @Test
  void aJsonWriteIsReadAndWatchedOnTheZooKeeperFace() throws Exception {
    await(json.create("/shared", "from json".getBytes(), io.baton.core.tree.CreateMode.PERSISTENT));
    Stat stat = new Stat();
    assertThat(zk.getData("/shared", true, stat)).isEqualTo("from json".getBytes());
    NodeData viaJson = await(json.getData("/shared", false));
    assertThat(stat.getCzxid()).isEqualTo(viaJson.stat().czxid());
    assertThat(stat.getMtime()).isEqualTo(viaJson.stat().mtime());
    assertThat(stat.getVersion()).isEqualTo(viaJson.stat().version());

    io.baton.core.tree.Stat set = await(json.setData("/shared", "again".getBytes(), 0));
    WatchedEvent event = zkEvents.poll(10, TimeUnit.SECONDS);
    assertThat(event).isNotNull();
    assertThat(event.getType()).isEqualTo(Watcher.Event.EventType.NodeDataChanged);
    assertThat(event.getPath()).isEqualTo("/shared");
    assertThat(event.getZxid()).isEqualTo(set.mzxid());
    assertThat(zk.exists("/shared", false).getVersion()).isEqualTo(1);
  }

  @Test
  void aZooKeeperWriteIsReadAndWatchedOnTheJsonFace() throws Exception {
    BlockingQueue<WatchEvent> jsonEvents = new LinkedBlockingQueue<>();
    json.watchHandler(jsonEvents::add);
    zk.create("/zk", "v0".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.create("/zk/eph", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    assertThat(await(json.getData("/zk", true)).data()).isEqualTo("v0".getBytes());
    assertThat(await(json.exists("/zk/eph", false)).ephemeralOwner()).isEqualTo(zk.getSessionId());
    assertThat(await(json.getChildren("/zk", false)).names()).containsExactly("eph");

    Stat set = zk.setData("/zk", "v1".getBytes(), 0);
    WatchEvent event = jsonEvents.poll(10, TimeUnit.SECONDS);
    assertThat(event).isEqualTo(new WatchEvent(EventType.NodeDataChanged, "/zk", set.getMzxid()));

    zk.close();
    assertThat(await(json.exists("/zk/eph", false))).as("closing the ZooKeeper session removes its ephemeral").isNull();
  }

  @Test
  void aDigestAclSetOnOneFaceHoldsOnTheOther() throws Exception {
    zk.addAuthInfo("digest", "alice:pw".getBytes());
    zk.create("/alice", "hers".getBytes(), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
    batonFailure(json.getData("/alice", false), ErrorCode.NO_AUTH);
    await(json.addAuth("digest", "alice:pw"));
    assertThat(await(json.getData("/alice", false)).data()).isEqualTo("hers".getBytes());
  }
}
