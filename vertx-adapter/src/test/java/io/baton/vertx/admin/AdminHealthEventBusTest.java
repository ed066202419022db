package io.baton.vertx.admin;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.vertx.launcher.Main;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health checks registered with Vert.x health checks, asked on the event bus of the node's JVM. */
class AdminHealthEventBusTest {
  @TempDir
  Path dir;

  @Test
  void readyAndLiveOnTheEventBus() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      int admin = ServerProcess.freePort();
      await(Main.start(vertx, new JsonObject().put("dataDir", dir.resolve("data").toString())
          .put("bridgePort", ServerProcess.freePort()).put("adminPort", admin)));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonObject ready = (JsonObject) await(vertx.eventBus().request("baton.health", "ready")).body();
        assertThat(ready.getString("status")).isEqualTo("UP");
        assertThat(ready.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")).toList())
            .containsExactlyInAnyOrder("serving", "owner", "leader", "apply_lag", "disk");
      });
      JsonObject live = (JsonObject) await(vertx.eventBus().request("baton.health", "live")).body();
      assertThat(live.getString("status")).isEqualTo("UP");
      assertThat(live.getJsonArray("checks")).hasSize(2);
      assertThat(AdminHttp.get(admin, "/readyz").status()).isEqualTo(200);
      assertThat(List.of(AdminHttp.get(admin, "/livez").body())).containsExactly("ok");
    } finally {
      await(vertx.close());
    }
  }
}
