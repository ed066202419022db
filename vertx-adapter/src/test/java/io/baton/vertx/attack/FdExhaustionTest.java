package io.baton.vertx.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of connections against a node whose process may open only 1,024 files: with
 * {@code maxConnections} below that, the flood is refused (each refused socket is closed at once),
 * so the node keeps descriptors for its own files: its log keeps syncing, a snapshot is written and an
 * established client's writes are acknowledged. (Without the bound, the flood's connections held
 * every descriptor: the log's fsync failed and no snapshot could be opened.) The acceptor may still
 * meet the limit for an instant while refused sockets are being closed; it retries.
 */
class FdExhaustionTest {
  private static final int FD_LIMIT = 1_024;
  private static final int FLOOD = 1_500;

  @TempDir
  Path tmp;

  @Test
  void aConnectionFloodCannotTakeTheDescriptorsTheLogNeeds() throws Exception {
    Path config = tmp.resolve("node.json");
    Files.writeString(config, new JsonObject().put("maxConnections", 400).put("maxConnectionsPerAddress", 400)
        .put("snapshotMinIntervalMs", 0).encode());
    int port = ServerProcess.freePort();
    Vertx vertx = Vertx.vertx();
    List<Socket> flood = new ArrayList<>();
    try (ServerProcess node = new ServerProcess(tmp.resolve("data"), port, "--config", config.toString())
        .fdLimit(FD_LIMIT).start()) {
      CoordinationClient client = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
          ClientOptions.defaults().withSessionTimeout(30_000)));
      for (int i = 0; i < FLOOD; i++) {
        flood.add(new Socket("127.0.0.1", port));
      }
      for (int i = 0; i < 200; i++) {
        await(client.create("/w-" + i, new byte[100], CreateMode.PERSISTENT));
      }
      JsonObject snapshot = await(client.request(new JsonObject().put("op", "snapshot")));
      assertThat(snapshot.getLong("zxid")).isPositive();
      JsonObject info = await(client.request(new JsonObject().put("op", "info")));
      assertThat(info.getBoolean("logSyncFailing", false)).isFalse();
      assertThat(node.log()).doesNotContain("log sync failed").doesNotContainPattern("snapshot at zxid \\S+ failed")
          .contains("too_many_connections");
      await(client.close());
    } finally {
      for (Socket s : flood) {
        s.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
