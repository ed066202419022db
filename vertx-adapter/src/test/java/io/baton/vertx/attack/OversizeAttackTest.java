package io.baton.vertx.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Oversized writes from a client without a session (the "17 x 1 MiB multi" and "17 MiB
 * path"), against real node processes: refused with TooLarge before anything is logged or applied,
 * every write acknowledged after them survives {@code kill -9} and nothing of the refused ones does
 * (a cluster: {@link OversizeClusterAttackTest}). Frames are allowed up to 64 MiB here so that the entry
 * limits, not the bridge's frame limit, are what refuses them.
 */
class OversizeAttackTest {
  static final JsonObject BIG_FRAMES = new JsonObject().put("maxFrameBytes", 64 << 20);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
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

  static JsonObject hugePathCreate() {
    return new JsonObject().put("op", "create").put("path", "/p" + "p".repeat(17 << 20)).put("data", "");
  }

  static JsonObject seventeenMebibyteMulti() {
    String mib = Base64.getEncoder().encodeToString(new byte[1 << 20]);
    JsonArray ops = new JsonArray();
    for (int i = 0; i < 17; i++) {
      ops.add(new JsonObject().put("op", "create").put("path", "/big" + i).put("data", mib));
    }
    return new JsonObject().put("op", "multi").put("ops", ops);
  }

  /** The error code a request fails with. */
  static ErrorCode refusal(Transport t, JsonObject request) throws Exception {
    try {
      JsonObject reply = await(t.request(request.put("v", 1), 30_000));
      throw new AssertionError("accepted: " + reply.encode().substring(0, Math.min(200, reply.encode().length())));
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(BatonException.class);
      return ((BatonException) e.getCause()).code();
    }
  }

  static void fiveWrites(Transport t) throws Exception {
    for (int i = 0; i < 5; i++) {
      await(t.request(new JsonObject().put("v", 1).put("op", "create").put("path", "/after-" + i)
          .put("data", Base64.getEncoder().encodeToString(("v" + i).getBytes()))));
    }
  }

  static List<Object> rootChildren(Transport t) throws Exception {
    return await(t.request(new JsonObject().put("v", 1).put("op", "getChildren").put("path", "/")))
        .getJsonArray("children").getList();
  }

  @Test
  void oversizedWritesAreRefusedAndLaterAcknowledgedWritesSurviveKill9() throws Exception {
    Path data = tmp.resolve("data");
    Path config = tmp.resolve("node.json");
    Files.writeString(config, BIG_FRAMES.encode());
    int port = ServerProcess.freePort();
    try (ServerProcess server = new ServerProcess(data, port, "--durability", "group", "--config",
        config.toString()).start()) {
      Transport t = await(BridgeTransport.connect(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      assertThat(refusal(t, seventeenMebibyteMulti())).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(refusal(t, hugePathCreate())).isEqualTo(ErrorCode.TOO_LARGE);
      fiveWrites(t);
      await(t.close());
      server.kill9();
      server.start();
      Transport check = await(BridgeTransport.connect(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      assertThat(rootChildren(check)).containsExactlyInAnyOrder("after-0", "after-1", "after-2", "after-3",
          "after-4", "zookeeper"); // and ZooKeeper's built-in node
      JsonObject d = await(check.request(new JsonObject().put("v", 1).put("op", "getData").put("path", "/after-4")));
      assertThat(new String(Base64.getDecoder().decode(d.getString("data")))).isEqualTo("v4");
      await(check.close());
      assertThat(server.log()).doesNotContain("cut the log", "torn or corrupt", "BufferOverflow", "FATAL");
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
