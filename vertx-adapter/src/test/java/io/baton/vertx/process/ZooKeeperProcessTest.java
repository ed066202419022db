package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a real process with its ZooKeeper port: the official client's session survives a
 * {@code kill -9} and restart of the node (same session id, password = the session secret kept in the
 * data directory, ephemeral kept, a watch set again through setWatches).
 */
class ZooKeeperProcessTest {
  @TempDir
  Path dir;

  @Test
  void theOfficialClientResumesItsSessionAfterTheNodeIsKilledAndRestarted() throws Exception {
    int zkPort = ServerProcess.freePort();
    BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    try (ServerProcess node = new ServerProcess(dir.resolve("data"), ServerProcess.freePort(), "--zk-port",
        Integer.toString(zkPort)).start()) {
      assertThat(node.log()).contains("ZooKeeper clients on 127.0.0.1:" + zkPort);
      ZooKeeper zk = new ZooKeeper("127.0.0.1:" + zkPort, 20_000, e -> {
        if (e.getType() == Watcher.Event.EventType.None) {
          states.add(e.getState());
        } else {
          events.add(e.getType() + " " + e.getPath());
        }
      });
      try {
        assertThat(states.poll(15, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
        long session = zk.getSessionId();
        zk.create("/lease", "held".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        zk.create("/config", "1".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.getData("/config", true, null);

        node.kill9();
        assertThat(states.poll(15, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.Disconnected);
        node.start();
        assertThat(states.poll(30, TimeUnit.SECONDS)).isEqualTo(Watcher.Event.KeeperState.SyncConnected);
        assertThat(zk.getSessionId()).isEqualTo(session);
        assertThat(zk.getData("/lease", false, null)).isEqualTo("held".getBytes());
        assertThat(zk.exists("/lease", false).getEphemeralOwner()).isEqualTo(session);

        try (ZooKeeper other = new ZooKeeper("127.0.0.1:" + zkPort, 20_000, e -> { })) {
          other.setData("/config", "2".getBytes(), -1);
        }
        assertThat(events.poll(15, TimeUnit.SECONDS)).isEqualTo("NodeDataChanged /config");
      } finally {
        zk.close();
      }
    }
  }
}
