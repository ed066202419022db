package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Entries put with and without a TTL over each other. Vert.x's own suite checks the first case with 20 ms
 * polls, which the node's 100 ms TTL check usually missed: an entry put without a TTL over one put with a
 * TTL used to keep that TTL (the node was updated in place; a stat does not show a TTL node) and vanished.
 */
class AsyncMapTtlTest {
  private Vertx vertx;
  private BatonClusterManager manager;
  private AsyncMap<String, String> map;

  @BeforeEach
  void start() throws Exception {
    BatonTestNode.newCluster();
    vertx = Vertx.vertx();
    manager = BatonTestNode.clusterManager();
    manager.init(vertx);
    Promise<Void> joined = Promise.promise();
    manager.join(joined);
    get(joined.future());
    Promise<AsyncMap<String, String>> m = Promise.promise();
    manager.getAsyncMap("ttl", m);
    map = get(m.future());
  }

  @AfterEach
  void stop() throws Exception {
    Promise<Void> left = Promise.promise();
    manager.leave(left);
    get(left.future());
    get(vertx.close());
  }

  @Test
  void anEntryPutWithoutTtlOverOneWithTtlStays() throws Exception {
    get(map.put("k", "with ttl", 50));
    get(map.put("k", "without"));
    Thread.sleep(400); // the TTL and several of the node's TTL checks
    assertThat(get(map.get("k"))).isEqualTo("without");
  }

  @Test
  void anEntryPutWithTtlOverOneWithoutExpires() throws Exception {
    get(map.put("k", "without"));
    get(map.put("k", "with ttl", 50));
    Thread.sleep(400);
    assertThat(get(map.get("k"))).isNull();
  }

  @Test
  void aReplacedEntryKeepsNoTtlItDidNotAskFor() throws Exception {
    get(map.put("k", "with ttl", 50));
    assertThat(get(map.replace("k", "replaced"))).isEqualTo("with ttl");
    Thread.sleep(400);
    assertThat(get(map.get("k"))).isEqualTo("replaced");
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
