package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.baton.vertx.launcher.JvmFlags;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node whose log holds an entry it cannot apply refuses to start, naming the entry and the
 * recovery command; that command ({@code java -jar baton-server.jar log truncate ...}, run here as the
 * launcher's {@code log} command) cuts the log before it and the node starts with the earlier writes.
 */
class LogTruncateRecoveryTest {
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
  void aNodeRefusesAnUnreplayableEntryAndLogTruncateRecoversIt() throws Exception {
    Path data = tmp.resolve("data");
    int port = ServerProcess.freePort();
    try (ServerProcess server = new ServerProcess(data, port, "--durability", "group").start()) {
      Transport t = await(BridgeTransport.connect(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      await(t.request(new JsonObject().put("v", 1).put("op", "create").put("path", "/kept").put("data", "")));
      await(t.close());
      server.stop();

      long bad;
      try (ChronicleTxnLog log = ChronicleTxnLog.open(data.resolve("log"), LogOptions.defaults())) {
        bad = log.lastZxid() + 1;
        log.append(new LogEntry(bad, 1L, new CreateTxn("/missing/child", ByteBuffer.wrap(new byte[0]), 0L, 1, java.util.List.of())));
        log.sync();
      }
      String hex = "0x" + Long.toHexString(bad);
      assertThatThrownBy(server::start).hasMessageContaining("server exited with 1")
          .hasMessageContaining("log entry " + hex)
          .hasMessageContaining("log truncate --data-dir " + data + " --before-zxid " + hex);

      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(JvmFlags.ALL);
      cmd.add("-cp");
      cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
      cmd.addAll(List.of("io.baton.vertx.launcher.Main", "log", "truncate", "--data-dir", data.toString(),
          "--before-zxid", hex));
      Process tool = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(tool.getInputStream().readAllBytes());
      assertThat(tool.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(tool.exitValue()).as(out).isZero();
      assertThat(out).contains("before zxid " + hex, "entries kept", "log.truncated-");

      server.start();
      Transport check = await(BridgeTransport.connect(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      JsonObject children = await(check.request(new JsonObject().put("v", 1).put("op", "getChildren")
          .put("path", "/")));
      assertThat(children.getJsonArray("children").getList()).contains("kept").doesNotContain("missing");
      await(check.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
