package io.baton.vertx.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.CoordinatorVerticle;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.impl.ClientImpl;
import io.baton.vertx.client.impl.EventBusTransport;
import io.baton.vertx.client.impl.Transport;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Helpers of the recipe tests: a node with short session timeouts, blocking waits, doomed sessions. */
final class RecipeSupport {
  /** The node's minimum session timeout; doomed sessions ask for less and get this. */
  static final int SESSION_TIMEOUT_MS = 500;

  private RecipeSupport() {
  }

  /**
   * A node on {@code dataDir} with a fast tick and 500 ms minimum session timeout. Durability "none"
   * (no fsync; override with -Dbaton.test.durability): the recipes do not depend on it, and fsync
   * latency on a busy disk would only slow the tests down.
   */
  static JsonObject config(Path dataDir, String durability) {
    return new JsonObject().put("dataDir", dataDir.toString()).put("durability", durability)
        .put("tickMs", 50).put("minSessionTimeoutMs", SESSION_TIMEOUT_MS);
  }

  static String deploy(Vertx vertx, Path dataDir) throws Exception {
    return deploy(vertx, dataDir, System.getProperty("baton.test.durability", "none"));
  }

  /**
   * Deploys with an explicit durability. Tests of races with the container reaper use "group": the
   * reap is then in flight (waiting for its fsync) long enough for a racing create to hit it.
   */
  static String deploy(Vertx vertx, Path dataDir, String durability) throws Exception {
    return await(vertx.deployVerticle(new CoordinatorVerticle(),
        new DeploymentOptions().setConfig(config(dataDir, durability))));
  }

  /** A heartbeating session on the local event bus. */
  static CoordinationClient client(Vertx vertx) throws Exception {
    return await(CoordinationClient.connect(vertx, ClientOptions.defaults().withSessionTimeout(10_000)));
  }

  /**
   * A session whose connection can be cut: after {@link Doomed#cut()} no request (heartbeats
   * included) reaches the node any more, so the node expires the session after its timeout, as if
   * the process had been partitioned away or frozen.
   */
  static Doomed doomed(Vertx vertx) throws Exception {
    ClientOptions options = ClientOptions.defaults().withSessionTimeout(100);
    CuttableTransport t = new CuttableTransport(new EventBusTransport(vertx, options));
    CoordinationClient c = await(ClientImpl.open(vertx, t, options));
    assertThat(c.sessionTimeoutMs()).isEqualTo(SESSION_TIMEOUT_MS);
    return new Doomed(c, t);
  }

  record Doomed(CoordinationClient client, CuttableTransport transport) {
    void cut() {
      transport.cut = true;
    }
  }

  static final class CuttableTransport implements Transport {
    private final Transport delegate;
    volatile boolean cut;

    CuttableTransport(Transport delegate) {
      this.delegate = delegate;
    }

    private Future<JsonObject> partitioned() {
      return Future.failedFuture(new BatonException(ErrorCode.SYSTEM_ERROR, "partitioned by the test"));
    }

    @Override
    public Future<JsonObject> request(JsonObject body) {
      return cut ? partitioned() : delegate.request(body);
    }

    @Override
    public Future<JsonObject> request(JsonObject body, long timeoutMs) {
      return cut ? partitioned() : delegate.request(body, timeoutMs);
    }

    @Override
    public Future<Void> subscribe(String address, String secret, Handler<JsonObject> handler) {
      return delegate.subscribe(address, secret, handler);
    }

    @Override
    public Future<Void> close() {
      return delegate.close();
    }
  }

  /** Waits for a future; a failure is rethrown as its cause. */
  static <T> T await(Future<T> f) throws Exception {
    return await(f, 15_000);
  }

  static <T> T await(Future<T> f, long ms) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within " + ms + " ms", e);
    }
  }

  /** Waits for a future that must fail with a BatonException of {@code code}. */
  static BatonException batonFailure(Future<?> f, ErrorCode code) throws Exception {
    Object v;
    try {
      v = await(f);
    } catch (BatonException e) {
      assertThat(e.code()).as("code of %s", e.getMessage()).isEqualTo(code);
      return e;
    }
    throw new AssertionError("expected " + code + ", got " + v);
  }

  /** Asserts that {@code f} is still pending after {@code ms}. */
  static void pending(Future<?> f, long ms) throws InterruptedException {
    Thread.sleep(ms);
    assertThat(f.isComplete()).as("completed early: %s", f.isComplete() ? String.valueOf(
        f.succeeded() ? f.result() : f.cause()) : "").isFalse();
  }
}
