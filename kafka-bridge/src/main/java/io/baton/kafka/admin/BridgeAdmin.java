package io.baton.kafka.admin;

import io.baton.admin.AdminRegistry;
import io.baton.admin.AdminServer;
import io.baton.admin.HealthEndpoints;
import io.baton.kafka.BridgeConfig;
import io.baton.kafka.KafkaBridge;
import io.baton.kafka.ingress.CommandIngress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Kafka bridge shows an operator: its meters in the Prometheus registry of its Vert.x
 * instance ({@link AdminRegistry}, so a node's admin face in the same JVM exports them), its checks
 * ({@link BridgeHealth}) on the event bus at {@code <statusAddress>.health}, and, when it has an
 * admin port ({@code adminPort}, or the default the standalone bridge gives), an HTTP server with
 * {@code /metrics}, {@code /livez}, {@code /readyz}, {@code /health} and {@code /api/kafka} (the
 * status) built from the admin module's {@link AdminServer}. The port shows counts and states, no
 * data, and has no identities of its own: restrict it with {@code adminTls} and {@code clientAuth}.
 */
public final class BridgeAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeAdmin.class);

  private final Vertx vertx;
  private final BridgeConfig config;
  private final KafkaBridge bridge;
  private final BridgeMeters meters;
  private final BridgeHealth health;
  private final HealthEndpoints endpoints;
  private long timer = -1;
  private AdminServer server;

  /** Binds the meters (of {@code ingress} too, if not null); call {@link #start} on the bridge's context. */
  public BridgeAdmin(Vertx vertx, BridgeConfig config, KafkaBridge bridge, CommandIngress ingress) {
    this.vertx = vertx;
    this.config = config;
    this.bridge = bridge;
    this.meters = new BridgeMeters(AdminRegistry.of(vertx), bridge);
    if (ingress != null) {
      ingress.onAnswered(meters::commandAnswered);
    }
    this.health = new BridgeHealth(bridge, config.adminReadyMaxLagMs());
    this.endpoints = new HealthEndpoints(vertx, health, config.statusAddress());
  }

  /**
   * Starts the event-loop heartbeat, the event-bus checks and the admin port: {@code adminPort} if
   * the configuration names one (failing if it cannot listen), else {@code defaultPort} (-1: none;
   * given up with a warning if taken).
   */
  public Future<Void> start(int defaultPort) {
    timer = vertx.setPeriodic(1_000, id -> health.beat());
    Integer explicit = config.adminPort();
    int port = explicit != null ? explicit : defaultPort;
    return endpoints.listen().compose(v -> port < 0 ? Future.succeededFuture()
        : AdminServer.start(vertx, config.adminHost(), port, config.adminServer(), endpoints, null,
                router -> router.get("/api/kafka").handler(ctx -> ctx.response()
                    .putHeader("Content-Type", "application/json").end(bridge.status().encode())))
            .<Void>map(s -> {
              server = s;
              LOG.info("Kafka bridge '{}' admin port on {}://{}:{} (metrics, health)", config.bridgeId(),
                  config.adminServer().isSsl() ? "https" : "http", config.adminHost(), s.port());
              return null;
            })
            .recover(t -> {
              String why = "the Kafka bridge's admin port cannot listen on " + config.adminHost() + ":" + port
                  + " (adminPort): " + t.getMessage();
              if (explicit != null) {
                return Future.failedFuture(new IllegalStateException(why, t));
              }
              LOG.warn("{}; the bridge runs without it (set adminPort to choose a port, -1 for none)", why);
              return Future.succeededFuture();
            }));
  }

  /** The admin port, or -1 when it has none. */
  public int port() {
    AdminServer s = server;
    return s == null ? -1 : s.port();
  }

  /** The checks, as the endpoints answer them. */
  public BridgeHealth health() {
    return health;
  }

  /** Stops the port, the event-bus checks and the heartbeat, and removes the meters. */
  public Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    meters.close();
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(v -> endpoints.close());
  }
}
