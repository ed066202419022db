package io.baton.vertx.admin;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.cluster.ClusterProcesses;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin page in a real headless Chromium against the leader of a 3-node cluster of processes:
 * the page loads and lists the members, the tree browser goes from the root to a node and its child
 * and shows a value written through a follower, and a killed follower shows as down. With
 * {@code -Dbaton.admin.screenshots=docs} it saves the cluster view and the tree browser there.
 */
class AdminPageBrowserTest {
  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private ClusterProcesses cluster;

  @AfterEach
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    await(vertx.close());
  }

  @Test
  void pageShowsClusterTreeAndADeadFollower() throws Exception {
    HeadlessChromium.require();
    HeadlessChromium chromium = new HeadlessChromium(dir);
    cluster = new ClusterProcesses(vertx, dir, 3, "group", "raft.tickMs=100\nraft.electionTicks=10",
        ClusterProcesses.direct()).withAdminPorts().startAll();
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    List<Integer> followers = cluster.ids().stream().filter(id -> id != leader).toList();
    String page = "http://127.0.0.1:" + cluster.adminPort(leader) + "/";

    CoordinationClient client = await(CoordinationClient.connectBridge(vertx, "127.0.0.1",
        cluster.clientPort(followers.get(0)), ClientOptions.defaults()));
    await(client.create("/app", "{\"greeting\":\"hello\"}".getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));
    await(client.create("/app/config", "limit=100".getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String dom = chromium.dumpDom(page + "?tab=cluster");
      assertThat(dom).contains("<title>Baton admin</title>", "ready</span>");
      for (int f : followers) {
        assertThat(dom).contains("data-id=\"" + f + "\" data-state=\"up\"");
      }
      assertThat(dom).containsPattern("data-id=\"" + leader + "\" data-state=\"up\" class=\"self\"><td>" + leader
          + "</td><td>leader</td>");
    });

    String root = chromium.dumpDom(page + "?tab=tree&path=/");
    assertThat(root).contains("data-name=\"app\" data-path=\"/app\"");
    String app = chromium.dumpDom(page + "?tab=tree&path=/app");
    assertThat(app).contains("data-name=\"config\" data-path=\"/app/config\"", "{\"greeting\":\"hello\"}",
        "<td>world</td><td>anyone</td><td>cdrwa</td>");
    assertThat(chromium.dumpDom(page + "?tab=tree&path=/app/config")).contains("limit=100");

    await(client.setData("/app", "{\"greeting\":\"hello again\"}".getBytes(StandardCharsets.UTF_8), 0));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(chromium.dumpDom(page + "?tab=tree&path=/app")).contains("{\"greeting\":\"hello again\"}"));
    String shots = System.getProperty("baton.admin.screenshots");
    if (shots != null) {
      chromium.screenshot(page + "?tab=tree&path=/app", Path.of(shots, "admin-tree.png"));
    }

    int dead = followers.get(1);
    cluster.server(dead).kill9();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String dom = chromium.dumpDom(page + "?tab=cluster");
      assertThat(dom).contains("data-id=\"" + dead + "\" data-state=\"down\"",
          "data-id=\"" + followers.get(0) + "\" data-state=\"up\"");
    });
    if (shots != null) {
      chromium.screenshot(page + "?tab=cluster", Path.of(shots, "admin-cluster.png"));
    }
    await(client.close());
  }
}
