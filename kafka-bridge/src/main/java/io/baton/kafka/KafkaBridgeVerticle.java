package io.baton.kafka;

import io.baton.kafka.admin.BridgeAdmin;
import io.baton.kafka.ingress.CommandIngress;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.EventBusTransport;
import io.baton.vertx.client.impl.Transport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka bridge as a verticle. Deployed next to the {@code CoordinatorVerticle} (same Vert.x,
 * no {@code baton.host} in the config) it follows the node over the local event bus; with
 * {@code baton: {host, port}} it connects to a standalone node through its TCP bridge (what
 * {@link BridgeMain} does). With {@code baton.auth} every session it opens authenticates before it
 * is used. Its status (state, committed zxid, lag) answers requests at
 * {@code statusAddress} (default {@code baton.kafka.status}), its checks at
 * {@code <statusAddress>.health}; its meters join the Prometheus registry of its Vert.x instance
 * (the node's {@code /metrics} when deployed next to it), and with {@code adminPort} it serves an
 * admin port of its own ({@link BridgeAdmin}). See {@link BridgeConfig} for the keys.
 */
public class KafkaBridgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBridgeVerticle.class);

  private KafkaBridge bridge;
  private CommandIngress ingress;
  private MessageConsumer<Object> status;
  private BridgeAdmin admin;
  private int defaultAdminPort = -1;

  /**
   * Serves the admin port on {@code port} when the configuration names no {@code adminPort} (what
   * the standalone bridge does); a default port that is taken is given up with a warning.
   */
  public KafkaBridgeVerticle withDefaultAdminPort(int port) {
    this.defaultAdminPort = port;
    return this;
  }

  @Override
  public Future<?> start() {
    BridgeConfig cfg;
    try {
      cfg = new BridgeConfig(config());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    ClientOptions options = ClientOptions.defaults().withAddress(cfg.address())
        .withSessionTimeout(cfg.sessionTimeoutMs());
    KafkaBridge.Connector sessions;
    java.util.function.Supplier<Future<Transport>> transports;
    if (cfg.batonHost() == null) {
      sessions = () -> CoordinationClient.connect(vertx, options);
      transports = () -> Future.succeededFuture(new EventBusTransport(vertx, options));
    } else {
      sessions = () -> CoordinationClient.connectBridge(vertx, cfg.batonHost(), cfg.batonPort(), options);
      transports = () -> BridgeTransport.connect(vertx, cfg.batonHost(), cfg.batonPort(), options);
    }
    BatonAuth auth = cfg.batonAuth();
    KafkaBridge.Connector connector = auth == null ? sessions : () -> sessions.connect().compose(auth::authenticate);
    bridge = new KafkaBridge(context, cfg, connector);
    bridge.start();
    if (cfg.ingressEnabled()) {
      ingress = new CommandIngress(cfg, context, transports, auth == null ? null : connector);
      ingress.start();
    }
    admin = new BridgeAdmin(vertx, cfg, bridge, ingress);
    status = vertx.eventBus().consumer(cfg.statusAddress(), m -> m.reply(bridge.status()));
    LOG.info("Kafka bridge '{}' started: Baton {} ({}), Kafka {}", cfg.bridgeId(),
        cfg.batonHost() == null ? "on the local event bus at '" + cfg.address() + "'"
            : cfg.batonHost() + ":" + cfg.batonPort(), auth == null ? "unauthenticated" : "as " + auth.user(),
        cfg.producer().get("bootstrap.servers"));
    return status.completion().compose(v -> admin.start(defaultAdminPort))
        .recover(t -> stop().transform(x -> Future.failedFuture(t)));
  }

  /** The admin port it listens on, or -1 when it has none. */
  public int adminPort() {
    return admin == null ? -1 : admin.port();
  }

  /** The running bridge (status, commit listener). */
  public KafkaBridge bridge() {
    return bridge;
  }

  /** Current status, as answered at the status address. */
  public JsonObject status() {
    return bridge.status();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = admin == null ? Future.succeededFuture() : admin.close();
    Future<Void> unregistered = closed.compose(v -> status == null ? Future.succeededFuture() : status.unregister());
    return unregistered.compose(v -> vertx.executeBlocking(() -> {
      if (ingress != null) {
        ingress.stop(15_000);
      }
      if (bridge != null) {
        bridge.stop(15_000);
      }
      return null;
    }));
  }
}
