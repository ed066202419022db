package io.baton.admin;

import io.baton.admin.impl.AdminApi;
import io.baton.admin.impl.AdminAccess;
import io.baton.admin.impl.BatonMeters;
import io.baton.admin.impl.HealthEndpoints;
import io.baton.admin.impl.NodeHealth;
import io.baton.admin.impl.StatusBoard;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's HTTP admin face: {@code /metrics} (Prometheus text: Baton's meters and Vert.x's own),
 * {@code /livez}, {@code /readyz} and {@code /health} (the same checks on the event bus at
 * {@code <address>.health}), the JSON views under {@code /api/} and the admin page at {@code /}.
 * It reads the node through core's views and never changes it. Its HTTP server runs on an event
 * loop of its own; reads of the node's state hop to the owner context and back, and the gauges read
 * a snapshot the owner publishes every second, so a scrape never waits on the owner thread.
 */
public final class AdminFace {
  /** The Micrometer registry name Vert.x's metrics and Baton's meters share. */
  public static final String REGISTRY = "baton";
  private static final Logger LOG = LoggerFactory.getLogger(AdminFace.class);

  private final HttpServer server;
  private final StatusBoard board;
  private final NodeHealth health;
  private final AdminNode node;

  private AdminFace(HttpServer server, StatusBoard board, NodeHealth health, AdminNode node) {
    this.server = server;
    this.board = board;
    this.health = health;
    this.node = node;
  }

  /**
   * A Vert.x instance with its Micrometer metrics on, into a Prometheus registry named
   * {@value #REGISTRY} that {@link #start} then exports with Baton's meters.
   */
  public static Vertx vertxWithMetrics(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return Vertx.builder().with(options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setRegistryName(REGISTRY))).withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /**
   * Starts the face of {@code node}; completes once it listens (fails if it cannot). Without
   * {@link #vertxWithMetrics} for the Vert.x instance, {@code /metrics} has Baton's meters only.
   */
  public static Future<AdminFace> start(Vertx vertx, AdminNode node, AdminOptions options) {
    PrometheusMeterRegistry registry = registry();
    StatusBoard board = new StatusBoard(vertx, node);
    NodeHealth health = new NodeHealth(board, options.readyMaxLag());
    BatonMeters meters = new BatonMeters(registry, board, node.replication() != null);
    node.coordinator().observe(meters);
    AdminAccess access = new AdminAccess(node);
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
          .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
      ctx.next();
    });
    new HealthEndpoints(vertx, health, node.address()).mount(router);
    router.get("/metrics").handler(access::requireAdmin).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
    new AdminApi(vertx, node, board, access, options.kafkaStatus(), health).mount(router);
    router.route("/*").handler(StaticHandler.create("baton-admin").setCachingEnabled(false)
        .setDirectoryListing(false));
    board.start();
    return vertx.createHttpServer(options.server()).requestHandler(router).listen(options.port(), options.host())
        .map(server -> {
          LOG.info("admin face on {}://{}:{} (metrics, health, page)", options.tls() ? "https" : "http",
              options.host(), server.actualPort());
          return new AdminFace(server, board, health, node);
        })
        .onFailure(t -> {
          board.stop();
          node.coordinator().observe(null);
        });
  }

  private static PrometheusMeterRegistry registry() {
    MeterRegistry shared = BackendRegistries.getNow(REGISTRY);
    return shared instanceof PrometheusMeterRegistry p ? p : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  /** The checks behind {@code /livez}, {@code /readyz} and {@code /health}. */
  public NodeHealth health() {
    return health;
  }

  /** Stops listening and publishing. */
  public Future<Void> close() {
    board.stop();
    node.coordinator().observe(null);
    return server.close();
  }
}
