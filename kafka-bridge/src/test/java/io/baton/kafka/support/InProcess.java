package io.baton.kafka.support;

import io.baton.kafka.KafkaBridgeVerticle;
import io.baton.vertx.CoordinatorVerticle;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A Baton node and a Kafka bridge deployed as verticles in one Vert.x (the local event bus). */
public final class InProcess implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  private String nodeDeployment;
  private String bridgeDeployment;
  private KafkaBridgeVerticle bridge;
  private JsonObject bridgeConfig;

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public InProcess startNode(Path dataDir, JsonObject extra) {
    JsonObject cfg = new JsonObject().put("dataDir", dataDir.toString()).put("durability", "none")
        .mergeIn(extra == null ? new JsonObject() : extra);
    nodeDeployment = await(vertx.deployVerticle(new CoordinatorVerticle(), new DeploymentOptions().setConfig(cfg)));
    return this;
  }

  public KafkaBridgeVerticle startBridge(JsonObject config) {
    bridgeConfig = config;
    bridge = new KafkaBridgeVerticle();
    bridgeDeployment = await(vertx.deployVerticle(bridge, new DeploymentOptions().setConfig(config)));
    return bridge;
  }

  public void stopBridge() {
    if (bridgeDeployment != null) {
      await(vertx.undeploy(bridgeDeployment));
      bridgeDeployment = null;
    }
  }

  public KafkaBridgeVerticle bridge() {
    return bridge;
  }

  public CoordinationClient client() {
    return await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
  }

  /** Baton's last applied zxid. */
  public long zxid(CoordinationClient c) {
    return await(c.request(new JsonObject().put("op", "info"))).getLong("zxid");
  }

  /**
   * Waits until the bridge has committed everything up to Baton's current zxid, and (up to 10 s) until
   * a read_committed consumer of its topics can see it all.
   */
  public void awaitCaughtUp(CoordinationClient c, Duration timeout) {
    long target = zxid(c);
    waitFor(() -> bridge.bridge().committedZxid() >= target, timeout,
        () -> "bridge at " + bridge.status() + ", Baton at " + target);
    JsonObject config = bridgeConfig;
    TopicReader.awaitSettled(config.getJsonObject("producer").getMap(), config.getString("bridgeId") + ".",
        Duration.ofSeconds(10));
  }

  public static void waitFor(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    try {
      stopBridge();
    } finally {
      await(vertx.close());
    }
  }
}
