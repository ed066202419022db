package io.baton.vertx.admin;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node process with its admin face: {@code /metrics} scraped over HTTP after writes (Baton's meter
 * names and values, Vert.x's own), {@code /livez} and {@code /readyz}, and the tree API's bounded
 * pages.
 */
class AdminMetricsProcessTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private ServerProcess server;
  private int admin;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    admin = ServerProcess.freePort();
    server = new ServerProcess(dir.resolve("node"), ServerProcess.freePort(), "--admin-port", Integer.toString(admin))
        .start();
    assertThat(server.log()).contains("admin on http://127.0.0.1:" + admin);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    await(vertx.close());
  }

  @Test
  void metricsAfterWrites() throws Exception {
    CoordinationClient client = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", server.port(),
        ClientOptions.defaults()));
    await(client.create("/app", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));
    for (int i = 0; i < 20; i++) {
      await(client.create("/app/n" + i, new byte[100], CreateMode.PERSISTENT));
    }
    try {
      await(client.create("/app", new byte[0], CreateMode.PERSISTENT));
    } catch (Exception expected) {
      // NodeExists, counted by its result
    }
    await(client.getData("/app/n1", false));

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String scrape = AdminHttp.get(admin, "/metrics").body();
      assertThat(AdminHttp.sample(scrape, "baton_request_duration_seconds_count",
          Map.of("op", "create", "result", "ok"))).isEqualTo(21);
      assertThat(AdminHttp.sample(scrape, "baton_request_duration_seconds_count",
          Map.of("op", "create", "result", "NodeExists"))).isEqualTo(1);
      assertThat(AdminHttp.sample(scrape, "baton_request_duration_seconds_count",
          Map.of("op", "getData", "result", "ok"))).isEqualTo(1);
      assertThat(AdminHttp.sample(scrape, "baton_request_duration_seconds_bucket",
          Map.of("op", "create", "result", "ok", "le", "+Inf"))).isEqualTo(21);
      // 21 created, the root and ZooKeeper's built-in /zookeeper, /zookeeper/quota, /zookeeper/config
      assertThat(AdminHttp.sample(scrape, "baton_znodes", Map.of())).isEqualTo(25);
      assertThat(AdminHttp.sample(scrape, "baton_data_size_bytes", Map.of())).isEqualTo(7 + 20 * 100);
      assertThat(AdminHttp.sample(scrape, "baton_sessions", Map.of())).isEqualTo(1);
      assertThat(AdminHttp.sample(scrape, "baton_write_append_to_commit_seconds_count", Map.of()))
          .isGreaterThanOrEqualTo(22);
      assertThat(AdminHttp.sample(scrape, "baton_write_apply_seconds_count", Map.of())).isGreaterThanOrEqualTo(22);
      assertThat(AdminHttp.sample(scrape, "baton_fsync_duration_seconds_count", Map.of("log", "txn")))
          .isGreaterThan(0);
      assertThat(AdminHttp.sample(scrape, "baton_log_size_bytes", Map.of())).isGreaterThan(0);
      assertThat(AdminHttp.sample(scrape, "baton_outstanding_requests", Map.of())).isEqualTo(0);
      assertThat(AdminHttp.sample(scrape, "vertx_net_server_active_connections", Map.of())).isGreaterThanOrEqualTo(1);
      assertThat(scrape).contains("# TYPE baton_request_duration_seconds histogram");
    });
    JsonObject digest = await(client.request(new JsonObject().put("op", "snapshot"), 10_000));
    assertThat(digest.getLong("zxid")).isPositive();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String scrape = AdminHttp.get(admin, "/metrics").body();
      assertThat(AdminHttp.sample(scrape, "baton_snapshot_duration_seconds_count", Map.of())).isEqualTo(1);
      assertThat(AdminHttp.sample(scrape, "baton_snapshot_size_bytes_sum", Map.of())).isGreaterThan(2000);
    });

    assertThat(AdminHttp.get(admin, "/livez")).isEqualTo(new AdminHttp.Response(200, "ok"));
    AdminHttp.Response ready = AdminHttp.get(admin, "/readyz?verbose");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body()).contains("[+]leader ok", "[+]disk ok", "readyz check passed");
    await(client.close());
  }

  @Test
  void treePagesAreBounded() throws Exception {
    CoordinationClient client = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", server.port(),
        ClientOptions.defaults()));
    await(client.create("/wide", new byte[0], CreateMode.PERSISTENT));
    for (int i = 0; i < 250; i++) {
      client.create("/wide/c" + i, new byte[0], CreateMode.PERSISTENT);
    }
    await(client.sync("/"));
    Set<String> seen = new HashSet<>();
    int cursor = 0;
    int pages = 0;
    while (cursor >= 0) {
      AdminHttp.Response r = AdminHttp.get(admin, "/api/tree?path=/wide&limit=100&cursor=" + cursor);
      assertThat(r.status()).isEqualTo(200);
      JsonObject page = new JsonObject(r.body());
      JsonArray names = page.getJsonArray("children");
      assertThat(names.size()).isLessThanOrEqualTo(100);
      assertThat(page.getInteger("total")).isEqualTo(250);
      names.forEach(n -> seen.add((String) n));
      cursor = page.getInteger("next");
      pages++;
    }
    assertThat(seen).hasSize(250);
    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(AdminHttp.get(admin, "/api/tree?path=/wide&limit=100000").body())
        .satisfies(b -> assertThat(new JsonObject(b).getJsonArray("children").size()).isLessThanOrEqualTo(500));
    AdminHttp.Response preview = AdminHttp.get(admin, "/api/node?path=/wide/c1&max=10");
    assertThat(preview.status()).isEqualTo(200);
    assertThat(AdminHttp.get(admin, "/api/node?path=/missing").status()).isEqualTo(404);
    await(client.close());
  }
}
