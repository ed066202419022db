package io.baton.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * The HTTP server behind an admin port, shared by the node's face and the standalone Kafka bridge:
 * security headers on every answer, {@code /livez}, {@code /readyz} and {@code /health} from a
 * {@link HealthEndpoints}, {@code /metrics} (Prometheus text of {@link AdminRegistry#of}) behind an
 * optional guard, then the caller's own routes. Plain HTTP or TLS as {@code options} say.
 */
public final class AdminServer {
  private final HttpServer server;

  private AdminServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code host:port} (0: any free port); completes once it does, or fails.
   *
   * @param metricsGuard runs before {@code /metrics} (answers 401/403 or calls {@code next()}); null: open
   * @param routes       mounts more routes after the health and metrics ones; null: none
   */
  public static Future<AdminServer> start(Vertx vertx, String host, int port, HttpServerOptions options,
                                          HealthEndpoints health, Handler<RoutingContext> metricsGuard,
                                          Consumer<Router> routes) {
    PrometheusMeterRegistry registry = AdminRegistry.of(vertx);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
          .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
      ctx.next();
    });
    health.mount(router);
    var metrics = router.get("/metrics");
    if (metricsGuard != null) {
      metrics.handler(metricsGuard);
    }
    metrics.handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    if (routes != null) {
      routes.accept(router);
    }
    return vertx.createHttpServer(options).requestHandler(router).listen(port, host).map(AdminServer::new);
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  /** Stops listening. */
  public Future<Void> close() {
    return server.close();
  }
}
