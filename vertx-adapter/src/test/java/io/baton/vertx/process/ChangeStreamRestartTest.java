package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer remembers the zxid it has seen, the node is killed and restarted, and a stream resumed
 * from that zxid delivers exactly the changes made after it: none missed, none repeated.
 */
class ChangeStreamRestartTest {
  @TempDir
  Path tmp;

  @Test
  void resumedStreamDeliversExactlyTheMissedChanges() throws Exception {
    Vertx vertx = Vertx.vertx();
    int port = ServerProcess.freePort();
    try (ServerProcess server = new ServerProcess(tmp.resolve("data"), port).start()) {
      CoordinationClient c = get(CoordinationClient.connectBridge(vertx, "127.0.0.1", port, ClientOptions.defaults()));
      get(c.create("/cfg", "a".getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));
      long seen = get(c.request(new JsonObject().put("op", "sync").put("path", "/"))).getLong("zxid");
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        get(c.create("/cfg/k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT));
        expected.add("NODE_CREATED /cfg/k" + i);
        if (i % 10 == 0) {
          get(c.setData("/cfg", ("b" + i).getBytes(StandardCharsets.UTF_8), -1));
          expected.add("NODE_DATA_CHANGED /cfg");
        }
      }
      get(c.delete("/cfg/k3", -1));
      expected.add("NODE_DELETED /cfg/k3");
      server.kill9();
      server.start();

      CoordinationClient resumed = get(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
          ClientOptions.defaults()));
      List<ChangeEvent> events = Collections.synchronizedList(new ArrayList<>());
      get(resumed.openChangeStream(seen, events::add));
      await().atMost(Duration.ofSeconds(20)).until(() -> nodeEvents(events).size() >= expected.size());
      Thread.sleep(200);
      assertThat(nodeEvents(events)).containsExactlyElementsOf(expected);
      List<Long> zxids = events.stream().map(ChangeEvent::zxid).toList();
      assertThat(zxids).isSorted().allMatch(z -> z > seen);
      get(c.close().recover(t -> Future.succeededFuture()));
      get(resumed.close());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> nodeEvents(List<ChangeEvent> events) {
    synchronized (events) {
      return events.stream()
          .filter(e -> e.kind() != ChangeEvent.Kind.SESSION_OPENED && e.kind() != ChangeEvent.Kind.SESSION_CLOSED)
          .map(e -> e.kind() + " " + e.path())
          .toList();
    }
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
