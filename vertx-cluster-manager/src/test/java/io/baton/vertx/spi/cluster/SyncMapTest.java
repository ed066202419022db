package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blocking map Vert.x HA uses, with {@code java.util.Map}'s contract, seen alike from two nodes. */
class SyncMapTest {
  private Vertx vertx;
  private BatonClusterManager a;
  private BatonClusterManager b;

  @BeforeEach
  void start() throws Exception {
    BatonTestNode.newCluster();
    vertx = Vertx.vertx();
    a = join();
    b = join();
  }

  @AfterEach
  void stop() throws Exception {
    for (BatonClusterManager m : new BatonClusterManager[] {a, b}) {
      Promise<Void> left = Promise.promise();
      m.leave(left);
      left.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void putGetRemoveAndEntries() {
    Map<String, String> onA = a.getSyncMap("ha");
    Map<String, String> onB = b.getSyncMap("ha");
    assertThat(onA.put("n1", "first")).isNull();
    assertThat(onB.put("n1", "second")).isEqualTo("first");
    assertThat(onA.get("n1")).isEqualTo("second");
    onA.put("n2", new JsonObject().put("verticles", 3).encode());
    assertThat(onB).hasSize(2).containsKeys("n1", "n2");
    assertThat(onB.containsKey("n3")).isFalse();
    assertThat(onB.remove("n1")).isEqualTo("second");
    assertThat(onA.remove("n1")).isNull();
    assertThat(onA.entrySet()).extracting(Map.Entry::getKey).containsExactly("n2");
    onB.clear();
    assertThat(onA).isEmpty();
  }

  private BatonClusterManager join() throws Exception {
    BatonClusterManager m = BatonTestNode.clusterManager();
    m.init(vertx);
    Promise<Void> joined = Promise.promise();
    m.join(joined);
    joined.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return m;
  }
}
