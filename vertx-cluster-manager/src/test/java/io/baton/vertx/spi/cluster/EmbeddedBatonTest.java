package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.CoordinatorVerticle;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Counter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered Vert.x instances coordinated by a Baton node embedded in the same JVM, over its event bus;
 * they are the members of the Baton group named by their prefix.
 */
class EmbeddedBatonTest {
  @TempDir
  Path dataDir;

  @Test
  void twoNodesTalkThroughTheClusteredEventBus() throws Exception {
    Vertx baton = Vertx.vertx();
    Vertx a = null;
    Vertx b = null;
    try {
      await(baton.deployVerticle(new CoordinatorVerticle(), new DeploymentOptions()
          .setConfig(new JsonObject().put("dataDir", dataDir.toString()).put("durability", "none"))));
      BatonClusterOptions options = BatonClusterOptions.defaults().withEmbedded(baton).withPrefix("/vertx-embedded");
      a = await(Vertx.builder().withClusterManager(new BatonClusterManager(options)).buildClustered());
      b = await(Vertx.builder().withClusterManager(new BatonClusterManager(options)).buildClustered());
      await(a.eventBus().<String>consumer("greetings", m -> m.reply("hello " + m.body())).completion());

      Object reply = await(b.eventBus().request("greetings", "b")).body();
      assertThat(reply).isEqualTo("hello b");
      CoordinationClient client = await(CoordinationClient.connect(baton, ClientOptions.defaults()));
      JsonArray members = await(Recipes.of(client).group("vertx-embedded").members());
      assertThat(members).extracting(m -> ((JsonObject) m).getString("id")).containsExactlyInAnyOrder(
          ((VertxInternal) a).clusterManager().getNodeId(), ((VertxInternal) b).clusterManager().getNodeId());
      await(client.close());

      Counter counter = await(b.sharedData().getCounter("visits"));
      await(counter.incrementAndGet());
      assertThat(await(await(a.sharedData().getCounter("visits")).get())).isEqualTo(1L);
    } finally {
      if (b != null) {
        await(b.close());
      }
      if (a != null) {
        await(a.close());
      }
      await(baton.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
