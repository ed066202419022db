package io.baton.admin;

import io.baton.admin.impl.AdminApi;
import io.baton.admin.impl.AdminAccess;
import io.baton.admin.impl.BatonMeters;
import io.baton.admin.impl.NodeHealth;
import io.baton.admin.impl.StatusBoard;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's HTTP admin face: {@code /metrics} (Prometheus text: Baton's meters and Vert.x's own),
 * {@code /livez}, {@code /readyz} and {@code /health} (the same checks on the event bus at
 * {@code <address>.health}), the JSON views under {@code /api/} and the admin page at {@code /}.
 * It reads the node through core's views and never changes it. Its HTTP server runs on an event
 * loop of its own; reads of the node's state hop to the owner context and back, and the gauges read
 * a snapshot the owner publishes every second, so a scrape never waits on the owner thread. Its
 * {@code /metrics} also shows the meters of anything else bound to {@link AdminRegistry#of} the same
 * Vert.x instance, such as a Kafka bridge verticle deployed next to the node.
 */
public final class AdminFace {
  /** The Micrometer registry name Vert.x's metrics and Baton's meters share. */
  public static final String REGISTRY = "baton";
  private static final Logger LOG = LoggerFactory.getLogger(AdminFace.class);

  private final AdminServer server;
  private final StatusBoard board;
  private final NodeHealth health;
  private final HealthEndpoints endpoints;
  private final BatonMeters meters;
  private final AdminNode node;

  private AdminFace(AdminServer server, StatusBoard board, NodeHealth health, HealthEndpoints endpoints,
                    BatonMeters meters, AdminNode node) {
    this.server = server;
    this.meters = meters;
    this.board = board;
    this.health = health;
    this.endpoints = endpoints;
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
    StatusBoard board = new StatusBoard(vertx, node);
    NodeHealth health = new NodeHealth(board, options.readyMaxLag());
    BatonMeters meters = new BatonMeters(AdminRegistry.of(vertx), board, node.replication() != null);
    node.coordinator().observe(meters);
    AdminAccess access = new AdminAccess(node);
    HealthEndpoints endpoints = new HealthEndpoints(vertx, health, node.address());
    board.start();
    return endpoints.listen().compose(v -> AdminServer.start(vertx, options.host(), options.port(), options.server(),
            endpoints, access::requireAdmin, router -> {
              new AdminApi(vertx, node, board, access, options.kafkaStatus(), health).mount(router);
              router.route("/*").handler(StaticHandler.create("baton-admin").setCachingEnabled(false)
                  .setDirectoryListing(false));
            }))
        .map(server -> {
          LOG.info("admin face on {}://{}:{} (metrics, health, page)", options.tls() ? "https" : "http",
              options.host(), server.port());
          return new AdminFace(server, board, health, endpoints, meters, node);
        })
        .onFailure(t -> {
          board.stop();
          endpoints.close();
          node.coordinator().observe(null);
          meters.close();
        });
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  /** The checks behind {@code /livez}, {@code /readyz} and {@code /health}. */
  public NodeHealth health() {
    return health;
  }

  /** Stops listening and publishing. */
  public Future<Void> close() {
    board.stop();
    node.coordinator().observe(null);
    meters.close();
    return endpoints.close().compose(v -> server.close());
  }
}
