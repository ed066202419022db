package io.baton.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking helpers shared by the adapter tests. */
final class TestSupport {
  private TestSupport() {
  }

  /** Verticle config on a data directory with the given durability. */
  static JsonObject config(Path dataDir, String durability) {
    return new JsonObject().put("dataDir", dataDir.toString()).put("durability", durability);
  }

  /** Deploys a coordinator verticle and waits until it serves. */
  static String deploy(Vertx vertx, JsonObject config) throws Exception {
    return await(vertx.deployVerticle(new CoordinatorVerticle(), new DeploymentOptions().setConfig(config)));
  }

  /** Waits for a future; a failure is rethrown as its cause. */
  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new AssertionError("future did not complete within 15 s", e);
    }
  }

  /** Waits for a future that must fail and returns its cause. */
  static Throwable failure(Future<?> f) throws Exception {
    try {
      Object v = await(f);
      throw new AssertionError("expected a failure, got " + v);
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      return e;
    }
  }

  /** Waits for a future that must fail with a BatonException of {@code code}. */
  static BatonException batonFailure(Future<?> f, ErrorCode code) throws Exception {
    Throwable t = failure(f);
    assertThat(t).isInstanceOf(BatonException.class);
    BatonException be = (BatonException) t;
    assertThat(be.code()).as("code of %s", be.getMessage()).isEqualTo(code);
    return be;
  }

  /** Waits for a raw event-bus request that must fail with a reply failure code. */
  static ReplyException replyFailure(Future<?> f, int code) throws Exception {
    Throwable t = failure(f);
    assertThat(t).isInstanceOf(ReplyException.class);
    ReplyException re = (ReplyException) t;
    assertThat(re.failureCode()).as("failure code of '%s'", re.getMessage()).isEqualTo(code);
    return re;
  }

  static int freePort() throws IOException {
    return io.baton.vertx.process.ServerProcess.freePort();
  }
}
