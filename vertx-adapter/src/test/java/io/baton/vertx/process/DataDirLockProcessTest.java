package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second server process started on a data directory in use fails at once, naming the holder's pid,
 * and the first keeps every acknowledged write (before the lock, both served and the second's writes
 * broke the log: an acknowledged create was gone after the next start).
 */
class DataDirLockProcessTest {
  @TempDir
  Path tmp;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aSecondProcessOnTheSameDataDirectoryIsRefused() throws Exception {
    Path data = tmp.resolve("data");
    int port = ServerProcess.freePort();
    try (ServerProcess first = new ServerProcess(data, port).start();
         ServerProcess second = new ServerProcess(data, ServerProcess.freePort())) {
      CoordinationClient client = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
          ClientOptions.defaults()));
      await(client.create("/before", bytes("1"), CreateMode.PERSISTENT));

      assertThatThrownBy(second::start).hasMessageContaining("is in use by another Baton node (pid "
          + first.pid() + ")");

      await(client.create("/after", bytes("2"), CreateMode.PERSISTENT));
      await(client.close());
      first.kill9();
      first.start();
      CoordinationClient again = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
          ClientOptions.defaults()));
      assertThat(new String(await(again.getData("/before", false)).data(), StandardCharsets.UTF_8)).isEqualTo("1");
      assertThat(new String(await(again.getData("/after", false)).data(), StandardCharsets.UTF_8)).isEqualTo("2");
      await(again.close());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
