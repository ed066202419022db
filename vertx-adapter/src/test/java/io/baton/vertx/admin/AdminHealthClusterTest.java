package io.baton.vertx.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.vertx.cluster.ClusterProcesses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health endpoints of a real 3-node cluster of processes: every node ready; a killed follower shown
 * down by the leader, which stays ready; quorum lost (a second node killed): the last node is still
 * live but not ready (no leader), with 503 as etcd and Kubernetes expect.
 */
class AdminHealthClusterTest {
  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private ClusterProcesses cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    ClusterProcesses.await(vertx.close());
  }

  @Test
  void followerDownThenQuorumLost() throws Exception {
    cluster = new ClusterProcesses(vertx, dir, 3, "group", "raft.tickMs=100\nraft.electionTicks=10",
        ClusterProcesses.direct()).withAdminPorts().startAll();
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    for (int id : cluster.ids()) {
      int port = cluster.adminPort(id);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        assertThat(AdminHttp.get(port, "/readyz").status()).isEqualTo(200);
        assertThat(new JsonObject(AdminHttp.get(port, "/health").body()).getString("health")).isEqualTo("true");
      });
    }
    List<Integer> followers = cluster.ids().stream().filter(id -> id != leader).toList();
    int dead = followers.get(0);
    int leaderAdmin = cluster.adminPort(leader);
    await().atMost(Duration.ofSeconds(10)).until(() -> peer(leaderAdmin, dead).getBoolean("up"));

    cluster.server(dead).kill9();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(peer(leaderAdmin, dead).getBoolean("up")).isFalse();
      String scrape = AdminHttp.get(leaderAdmin, "/metrics").body();
      assertThat(AdminHttp.sample(scrape, "baton_raft_peer_up", Map.of("peer", Integer.toString(dead)))).isZero();
      assertThat(AdminHttp.sample(scrape, "baton_raft_peer_up", Map.of("peer", Integer.toString(followers.get(1)))))
          .isEqualTo(1);
      assertThat(AdminHttp.sample(scrape, "baton_raft_is_leader", Map.of())).isEqualTo(1);
    });
    assertThat(AdminHttp.get(leaderAdmin, "/readyz").status()).isEqualTo(200);

    cluster.server(followers.get(1)).kill9();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      AdminHttp.Response ready = AdminHttp.get(leaderAdmin, "/readyz");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body()).contains("[-]leader failed: no leader");
    });
    AdminHttp.Response health = AdminHttp.get(leaderAdmin, "/health?verbose");
    assertThat(health.status()).isEqualTo(503);
    JsonObject body = new JsonObject(health.body());
    assertThat(body.getString("health")).isEqualTo("false");
    assertThat(body.getString("reason")).startsWith("leader: no leader");
    assertThat(body.getJsonArray("checks")).hasSize(5);
    assertThat(AdminHttp.get(leaderAdmin, "/livez")).isEqualTo(new AdminHttp.Response(200, "ok"));
    assertThat(AdminHttp.get(leaderAdmin, "/readyz?verbose").body()).contains("[+]serving ok", "[+]disk ok",
        "readyz check failed");
  }

  private static JsonObject peer(int adminPort, int id) throws Exception {
    JsonObject status = new JsonObject(AdminHttp.get(adminPort, "/api/status").body());
    return status.getJsonObject("raft").getJsonArray("peers").stream().map(JsonObject.class::cast)
        .filter(p -> p.getInteger("id") == id).findFirst().orElseThrow();
  }
}
