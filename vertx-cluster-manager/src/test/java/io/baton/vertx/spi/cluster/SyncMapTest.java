package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
    leave(a);
    leave(b);
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

  /**
   * Vert.x HA finishes a failover in its nodeLeft (it removes the failed node's entry) even if its own node
   * is being closed meanwhile: leaving waits for the listener at work before closing the session.
   */
  @Test
  void aListenerAtWorkWhenItsNodeLeavesStillHasTheSession() throws Exception {
    Map<String, String> onA = a.getSyncMap("ha");
    onA.put(b.getNodeId(), "deployments of b");
    CountDownLatch called = new CountDownLatch(1);
    CompletableFuture<Void> aLeft = new CompletableFuture<>();
    CompletableFuture<String> removed = new CompletableFuture<>();
    a.nodeListener(new NodeListener() {
      @Override
      public void nodeAdded(String nodeId) {
      }

      @Override
      public void nodeLeft(String nodeId) {
        called.countDown();
        try {
          aLeft.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
          // a's leave is waiting for this call
        }
        try {
          removed.complete(onA.remove(nodeId));
        } catch (RuntimeException e) {
          removed.completeExceptionally(e);
        }
      }
    });
    leave(b);
    assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();
    Promise<Void> leaving = Promise.promise();
    a.leave(leaving);
    leaving.future().onComplete(ar -> aLeft.complete(null));

    assertThat(removed.get(10, TimeUnit.SECONDS)).isEqualTo("deployments of b");
    aLeft.get(10, TimeUnit.SECONDS);
  }

  private static void leave(BatonClusterManager m) throws Exception {
    Promise<Void> left = Promise.promise();
    m.leave(left);
    left.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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
