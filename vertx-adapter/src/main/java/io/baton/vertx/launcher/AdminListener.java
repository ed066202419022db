package io.baton.vertx.launcher;

import io.baton.admin.AdminOptions;
import io.baton.tls.TlsListener;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;

/**
 * Where a launched node's admin face ({@link io.baton.admin.AdminFace}: metrics, health, the admin
 * page) listens, from the configuration: {@code adminPort} (default: the bridge port + 1000, e.g.
 * 8181; {@code -1} turns the face off, {@code 0} takes any free port), {@code adminHost} (default:
 * the bridge's host, so 127.0.0.1 for a lone node), {@code adminTls} (TLS with the shape of
 * {@code bridgeTls}, its {@code port} excepted) and {@code adminReadyMaxLag} (committed entries not
 * yet applied past which {@code /readyz} fails; default 1000). A port given explicitly must be free
 * (the node does not start otherwise); the default one is given up with a warning if taken.
 */
public final class AdminListener {
  /** The configuration keys of the admin face. */
  public static final String PORT = "adminPort";
  public static final String HOST = "adminHost";
  public static final String TLS = "adminTls";
  public static final String READY_MAX_LAG = "adminReadyMaxLag";
  /** The default admin port is the bridge port plus this. */
  public static final int PORT_OFFSET = 1000;

  private AdminListener() {
  }

  /** The admin face's options, or null when it is off; fails naming the key at fault. */
  public static AdminOptions from(JsonObject config, int bridgePort, String bridgeHost) {
    int port = intValue(config, PORT, bridgePort + PORT_OFFSET > 65535 ? 0 : bridgePort + PORT_OFFSET, -1);
    if (port < 0) {
      return null;
    }
    Object host = config.getValue(HOST, bridgeHost);
    if (!(host instanceof String h) || h.isBlank()) {
      throw new IllegalArgumentException(HOST + ": " + host + " is not a host name or address");
    }
    Object tls = config.getValue(TLS);
    if (tls != null && !(tls instanceof JsonObject)) {
      throw new IllegalArgumentException(TLS + " must be an object, was " + tls);
    }
    HttpServerOptions server = tls == null ? new HttpServerOptions()
        : tlsOptions((JsonObject) tls);
    long lag = intValue(config, READY_MAX_LAG, (int) AdminOptions.DEFAULT_READY_MAX_LAG, 0);
    return new AdminOptions(h, port, server, lag, AdminOptions.DEFAULT_KAFKA_STATUS);
  }

  /** Whether the admin port was given explicitly (then failing to listen stops the node). */
  public static boolean explicit(JsonObject config) {
    return config.containsKey(PORT);
  }

  /**
   * HTTP server options with TLS from an {@code adminTls} object (the shape of {@code bridgeTls},
   * without {@code port}); fails naming the key at fault. The Kafka bridge's admin port uses it too.
   */
  public static HttpServerOptions tlsOptions(JsonObject tls) {
    if (tls.containsKey("port")) {
      throw new IllegalArgumentException(TLS + ".port: the admin face has one port, " + PORT);
    }
    return TlsListener.parse(TLS, tls).httpServerOptions();
  }

  private static int intValue(JsonObject config, String key, int dflt, int min) {
    Object v = config.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
        || ((Number) v).longValue() > (key.equals(PORT) ? 65535 : Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(key + ": " + v + " is not a valid value");
    }
    return ((Number) v).intValue();
  }
}
