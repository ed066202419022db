package io.baton.vertx.launcher;

import io.baton.tls.TlsListener;
import io.baton.vertx.CoordinatorVerticle;
import io.baton.zookeeper.ZooKeeperPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Where a node serves ZooKeeper's clients, from its configuration: plaintext on {@code zkPort} (-1:
 * none) and TLS when {@code zkTls} is given ({@link TlsListener}, on {@code zkTls.port}, ZooKeeper's
 * {@code secureClientPort}), both bound to {@code zkHost} (the bridge's host by default) and served by
 * one {@link ZooKeeperPort}.
 */
final class ZooKeeperListeners {
  /** The key of the TLS listener's object. */
  static final String TLS_KEY = "zkTls";

  private final String host;
  private final int plainPort;
  private final TlsListener tls;

  private ZooKeeperListeners(String host, int plainPort, TlsListener tls) {
    this.host = host;
    this.plainPort = plainPort;
    this.tls = tls;
  }

  /** The ports listened on; -1 for a listener that is off. */
  record Ports(String host, int plain, int tls) {
    /** E.g. {@code , ZooKeeper clients on 127.0.0.1:2181, TLS ZooKeeper clients on 127.0.0.1:2281}. */
    String describe() {
      return (plain < 0 ? "" : ", ZooKeeper clients on " + host + ":" + plain)
          + (tls < 0 ? "" : ", TLS ZooKeeper clients on " + host + ":" + tls);
    }
  }

  /** Reads {@code zkPort}, {@code zkHost} and {@code zkTls}; fails naming the key at fault. */
  static ZooKeeperListeners from(JsonObject config) {
    String host = config.getString("zkHost", config.getString("bridgeHost", "127.0.0.1"));
    Object tlsValue = config.getValue(TLS_KEY);
    if (tlsValue != null && !(tlsValue instanceof JsonObject)) {
      throw new IllegalArgumentException(TLS_KEY + " must be an object, was " + tlsValue);
    }
    TlsListener tls = tlsValue == null ? null : TlsListener.parse(TLS_KEY, (JsonObject) tlsValue);
    if (tls != null && tls.port() == null) {
      throw new IllegalArgumentException(TLS_KEY + ".port is needed: the port ZooKeeper's clients reach with TLS"
          + " (ZooKeeper's secureClientPort)");
    }
    return new ZooKeeperListeners(host, config.getInteger("zkPort", -1), tls);
  }

  /** Starts the listeners of one ZooKeeper port for {@code node}; call on the coordinator's context. */
  Future<Ports> listen(Vertx vertx, CoordinatorVerticle node, JsonObject config) {
    if (plainPort < 0 && tls == null) {
      return Future.succeededFuture(new Ports(host, -1, -1));
    }
    ZooKeeperPort port = new ZooKeeperPort(vertx, node.coordinator(), ZooKeeperSettings.of(config, node));
    Future<Integer> plain = plainPort < 0 ? Future.succeededFuture(-1) : port.listen(plainPort, host)
        .recover(t -> failed("", plainPort, "zkPort", t));
    return plain.compose(p -> tls == null ? Future.succeededFuture(new Ports(host, p, -1))
        : port.listenTls(tls, host).recover(t -> failed("TLS ", tls.port(), TLS_KEY + ".port", t))
            .map(t -> new Ports(host, p, t)));
  }

  private Future<Integer> failed(String kind, int port, String key, Throwable t) {
    return Future.failedFuture(new IllegalStateException("the " + kind + "ZooKeeper port cannot listen on " + host
        + ":" + port + " (" + key + "): " + t.getMessage(), t));
  }
}
