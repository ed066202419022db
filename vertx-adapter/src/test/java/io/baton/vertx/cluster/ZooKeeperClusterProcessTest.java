package io.baton.vertx.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.zk.OrderedHosts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official ZooKeeper client against a 3-node cluster whose file gives each member a ZooKeeper
 * port (the fourth field): a node behind the client's lastZxidSeen refuses it and the client moves on;
 * its session resumes on another node after {@code kill -9} of its node, with the same id, its
 * ephemeral, its watches, and the events it missed while its node was frozen.
 */
class ZooKeeperClusterProcessTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;
  private Vertx vertx;
  private final PeerProxies proxies = new PeerProxies();
  private ClusterProcesses cluster;
  private final List<ZooKeeper> clients = new ArrayList<>();
  private final BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    cluster = new ClusterProcesses(vertx, tmp, 3, "group", ClusterProcessTest.FAST_RAFT, proxies.route(),
        new JsonObject(), true).startAll();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ZooKeeper zk : clients) {
      zk.close();
    }
    cluster.close();
    proxies.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private ZooKeeper client(OrderedHosts hosts, Watcher watcher) throws Exception {
    ZooKeeper zk = new ZooKeeper("127.0.0.1:1", 30_000, watcher, false, hosts);
    clients.add(zk);
    return zk;
  }

  private void awaitState(Watcher.Event.KeeperState expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      Watcher.Event.KeeperState s = states.poll(100, TimeUnit.MILLISECONDS);
      if (s == expected) {
        return;
      }
    }
    throw new AssertionError("no " + expected + " in 30 s");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Retries a write through a leader change (ConnectionLoss); NodeExists after a retry is its own success. */
  private static void write(KeeperCall call) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        call.run();
        return;
      } catch (KeeperException.ConnectionLossException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      } catch (KeeperException.NodeExistsException e) {
        return;
      }
    }
  }

  @FunctionalInterface
  private interface KeeperCall {
    void run() throws Exception;
  }

  @Test
  void aLaggingNodeRefusesTheClientAndItsSessionResumesOnAnotherNodeAfterKill9() throws Exception {
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    List<Integer> followers = new ArrayList<>(cluster.ids());
    followers.remove(Integer.valueOf(leader));
    int home = followers.get(0);
    int lagging = followers.get(1);
    assertThat(cluster.server(leader).log()).contains("ZooKeeper clients on 127.0.0.1:" + cluster.zkPort(leader));

    ZooKeeper zk = client(new OrderedHosts(cluster.zkPort(home)), e -> {
      if (e.getType() == Watcher.Event.EventType.None) {
        states.add(e.getState());
      } else {
        events.add(e.getType() + " " + e.getPath());
      }
    });
    awaitState(Watcher.Event.KeeperState.SyncConnected);
    long session = zk.getSessionId();
    zk.create("/lease", bytes("held"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    zk.create("/config", bytes("1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.create("/dir", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.create("/p", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.getData("/config", true, null);
    assertThat(zk.exists("/missing", true)).isNull();
    zk.getChildren("/dir", true);
    zk.addWatch("/p", AddWatchMode.PERSISTENT);

    // a node cut off from its peers falls behind what the client has seen: it refuses the client
    proxies.isolate(lagging);
    zk.create("/seen", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    zk.updateServerList(OrderedHosts.connectString(cluster.zkPort(lagging)));
    awaitState(Watcher.Event.KeeperState.Disconnected);
    long deadline = System.currentTimeMillis() + 30_000;
    while (!cluster.server(lagging).log().contains("the client must try another server")
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(cluster.server(lagging).log()).contains("behind the client's", "the client must try another server");
    assertThat(zk.getState().isConnected()).isFalse();
    // ... and the client moves on to a node that has what it saw
    zk.updateServerList(OrderedHosts.connectString(cluster.zkPort(lagging), cluster.zkPort(leader)));
    awaitState(Watcher.Event.KeeperState.SyncConnected);
    assertThat(zk.getSessionId()).isEqualTo(session);
    assertThat(zk.toString()).contains(":" + cluster.zkPort(leader));
    proxies.healAll();
    cluster.awaitConverged(cluster.ids(), 30_000);

    // the client's node freezes; meanwhile the others change what it watches; then it is killed
    zk.updateServerList(OrderedHosts.connectString(cluster.zkPort(leader), cluster.zkPort(home),
        cluster.zkPort(lagging)));
    ZooKeeper other = client(new OrderedHosts(cluster.zkPort(home), cluster.zkPort(lagging)), e -> { });
    cluster.server(leader).pause();
    write(() -> other.setData("/config", bytes("2"), -1));
    write(() -> other.create("/missing", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    write(() -> other.create("/dir/child", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
    assertThat(events).as("nothing reaches the client while its node is frozen").isEmpty();
    cluster.server(leader).kill9();

    awaitState(Watcher.Event.KeeperState.SyncConnected);
    assertThat(zk.getSessionId()).isEqualTo(session);
    assertThat(zk.toString()).doesNotContain(":" + cluster.zkPort(leader) + " ");
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String e = events.poll(30, TimeUnit.SECONDS);
      missed.add(e);
    }
    assertThat(missed).as("the events missed, delivered through setWatches").containsExactlyInAnyOrder(
        "NodeDataChanged /config", "NodeCreated /missing", "NodeChildrenChanged /dir");
    assertThat(zk.getData("/lease", false, null)).isEqualTo(bytes("held"));
    assertThat(zk.exists("/lease", false).getEphemeralOwner()).isEqualTo(session);
    write(() -> other.setData("/p", bytes("x"), -1));
    assertThat(events.poll(30, TimeUnit.SECONDS)).as("the persistent watch is kept").isEqualTo("NodeDataChanged /p");
  }
}
