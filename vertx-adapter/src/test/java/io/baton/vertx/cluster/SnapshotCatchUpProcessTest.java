package io.baton.vertx.cluster;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower killed with kill -9 while the leader writes past a snapshot and compacts its log
 * comes back through the snapshot path: it receives the leader's snapshot over the peer link,
 * installs it, follows the log again and ends with the same state as the others.
 */
class SnapshotCatchUpProcessTest {
  @TempDir
  Path tmp;
  private final Vertx vertx = Vertx.vertx();
  private ClusterProcesses cluster;

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aRestartedFollowerBeyondTheCompactedLogInstallsTheLeadersSnapshot() throws Exception {
    cluster = new ClusterProcesses(vertx, tmp, 3, "group", ClusterProcessTest.FAST_RAFT + "\nraft.catchUpEntries=100",
        ClusterProcesses.direct(), new JsonObject().put("snapshotEveryEntries", 1_000)).startAll();
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    int follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
    CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", cluster.clientPort(leader),
        ClientOptions.defaults().withSessionTimeout(30_000)));
    await(c.create("/snap", new byte[0], CreateMode.PERSISTENT));
    cluster.server(follower).kill9();
    List<Future<String>> writes = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      writes.add(c.create("/snap/n" + i, ("v" + i).getBytes(), CreateMode.PERSISTENT));
      if (writes.size() == 200) {
        await(Future.all(writes));
        writes.clear();
      }
    }
    await(Future.all(writes));
    await(c.create("/snap/ephemeral", new byte[0], CreateMode.EPHEMERAL));

    cluster.server(follower).start();
    JsonObject digest = cluster.awaitConverged(cluster.ids(), 60_000);
    assertThat(digest.getLong("nodes")).isGreaterThan(3_000);
    assertThat(cluster.server(follower).log()).contains("installed the leader's snapshot");
    assertThat(cluster.server(leader).log()).contains("raft log compacted through index");

    // it follows the log again after the snapshot
    await(c.setData("/snap/n1", "after".getBytes(), -1));
    cluster.awaitConverged(cluster.ids(), 30_000);
    CoordinationClient f = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", cluster.clientPort(follower),
        ClientOptions.defaults()));
    await(f.sync("/"));
    assertThat(new String(await(f.getData("/snap/n1", false)).data())).isEqualTo("after");
    assertThat(await(f.exists("/snap/ephemeral", false))).isNotNull();
    await(f.close());
    await(c.close());
  }
}
