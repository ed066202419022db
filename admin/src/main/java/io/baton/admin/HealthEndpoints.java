package io.baton.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /livez} and {@code /readyz} (Kubernetes style: {@code ok} or the failed checks as text,
 * every check with {@code ?verbose}), {@code /health} (etcd style: {@code {"health":"true"}}, the
 * checks with {@code ?verbose}); 200 when passing, 503 when not. The same checks are registered
 * with Vert.x health checks as {@code live/<check>} and {@code ready/<check>} and answered on the
 * event bus at {@code <address>.health} (the body names a group, {@code live} or {@code ready}; the
 * default is {@code ready}). Open to all: they tell whether the node serves, nothing of its data.
 * The checks come from a {@link Health}: a node's, or a Kafka bridge's.
 */
public final class HealthEndpoints {
  private final Vertx vertx;
  private final Health health;
  private final String address;
  private final HealthChecks checks;
  private MessageConsumer<Object> consumer;

  /** The checks of {@code health}, to answer on the event bus at {@code <address>.health}. */
  public HealthEndpoints(Vertx vertx, Health health, String address) {
    this.vertx = vertx;
    this.health = health;
    this.address = address + ".health";
    this.checks = HealthChecks.create(vertx);
    register("live", health::live);
    register("ready", health::ready);
  }

  private void register(String group, Supplier<List<Check>> source) {
    for (Check c : source.get()) {
      String name = c.name();
      checks.register(group + "/" + name, promise -> {
        Check now = source.get().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        promise.complete(now.ok() ? Status.OK() : Status.KO(new JsonObject().put("reason", now.reason())));
      });
    }
  }

  /** Adds the HTTP routes. */
  public void mount(Router router) {
    router.get("/livez").handler(ctx -> text(ctx, "livez", health.live()));
    router.get("/readyz").handler(ctx -> text(ctx, "readyz", health.ready()));
    router.get("/health").handler(this::etcd);
  }

  /** Answers on the event bus; completes once registered. */
  public Future<Void> listen() {
    consumer = vertx.eventBus().consumer(address, message -> {
      String group = message.body() instanceof String g && !g.isBlank() ? g : "ready";
      checks.checkStatus(group).onComplete(r -> {
        if (r.succeeded()) {
          message.reply(r.result().toJson());
        } else {
          message.fail(500, String.valueOf(r.cause()));
        }
      });
    });
    return consumer.completion();
  }

  /** Stops answering on the event bus. */
  public Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The event-bus address of the checks. */
  public String address() {
    return address;
  }

  private static void text(RoutingContext ctx, String what, List<Check> result) {
    boolean passed = Check.passed(result);
    boolean verbose = ctx.queryParams().contains("verbose");
    StringBuilder body = new StringBuilder();
    if (verbose || !passed) {
      for (Check c : result) {
        if (verbose || !c.ok()) {
          body.append(c.ok() ? "[+]" : "[-]").append(c.name()).append(c.ok() ? " ok" : " failed: " + c.reason())
              .append('\n');
        }
      }
      body.append(what).append(passed ? " check passed" : " check failed").append('\n');
    } else {
      body.append("ok");
    }
    ctx.response().setStatusCode(passed ? 200 : 503).putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(body.toString());
  }

  private void etcd(RoutingContext ctx) {
    List<Check> result = health.ready();
    boolean passed = Check.passed(result);
    StringBuilder reasons = new StringBuilder();
    JsonArray all = new JsonArray();
    for (Check c : result) {
      all.add(new JsonObject().put("name", c.name()).put("ok", c.ok()).put("reason", c.reason()));
      if (!c.ok()) {
        reasons.append(reasons.isEmpty() ? "" : "; ").append(c.name()).append(": ").append(c.reason());
      }
    }
    JsonObject body = new JsonObject().put("health", String.valueOf(passed)).put("reason", reasons.toString());
    if (ctx.queryParams().contains("verbose")) {
      body.put("checks", all);
    }
    ctx.response().setStatusCode(passed ? 200 : 503).putHeader("Content-Type", "application/json")
        .end(body.encode());
  }
}
