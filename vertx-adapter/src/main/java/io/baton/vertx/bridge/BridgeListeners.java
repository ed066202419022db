package io.baton.vertx.bridge;

import io.baton.tls.TlsListener;
import io.vertx.core.Future;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import java.util.Locale;

/**
 * Where the client bridge listens, from the node's configuration: plaintext on {@code bridgePort}
 * unless {@code bridgePlain} is false, and TLS when {@code bridgeTls} is given ({@link TlsListener}),
 * on {@code bridgeTls.port}; with the plaintext listener off, the TLS one takes {@code bridgePort}
 * unless {@code bridgeTls.port} says otherwise. Both bind to {@code bridgeHost}. Both feed one
 * {@link BridgeServer}, so its limits (connections, per address) count them together.
 */
public final class BridgeListeners {
  /** The key that turns the plaintext listener off ({@code false}). */
  public static final String PLAIN_KEY = "bridgePlain";
  /** The key of the TLS listener's object ({@link TlsListener}). */
  public static final String TLS_KEY = "bridgeTls";

  private final String host;
  private final int plainPort;
  private final TlsListener tls;
  private final int tlsPort;

  private BridgeListeners(String host, int plainPort, TlsListener tls, int tlsPort) {
    this.host = host;
    this.plainPort = plainPort;
    this.tls = tls;
    this.tlsPort = tlsPort;
  }

  /**
   * Reads {@code bridgeHost}, {@code bridgePort} (default {@code defaultPort}), {@code bridgePlain}
   * and {@code bridgeTls}; fails with an {@link IllegalArgumentException} naming the key at fault.
   */
  public static BridgeListeners from(JsonObject config, String defaultHost, int defaultPort) {
    String host = config.getString("bridgeHost", defaultHost);
    int port = config.getInteger("bridgePort", defaultPort);
    Object plainValue = config.containsKey(PLAIN_KEY) ? config.getValue(PLAIN_KEY) : Boolean.TRUE;
    if (!(plainValue instanceof Boolean plain)) {
      throw new IllegalArgumentException(PLAIN_KEY + ": " + plainValue + " is not true or false");
    }
    Object tlsValue = config.getValue(TLS_KEY);
    if (tlsValue != null && !(tlsValue instanceof JsonObject)) {
      throw new IllegalArgumentException(TLS_KEY + " must be an object, was " + tlsValue);
    }
    TlsListener tls = tlsValue == null ? null : TlsListener.parse(TLS_KEY, (JsonObject) tlsValue);
    if (tls == null) {
      if (!plain) {
        throw new IllegalArgumentException(PLAIN_KEY + " is false and " + TLS_KEY
            + " is not configured: the node would have no client port");
      }
      return new BridgeListeners(host, port, null, -1);
    }
    if (!plain) {
      return new BridgeListeners(host, -1, tls, tls.port() == null ? port : tls.port());
    }
    if (tls.port() == null) {
      throw new IllegalArgumentException(TLS_KEY + ".port is needed while the plaintext bridge listens on"
          + " bridgePort " + port + " (or set " + PLAIN_KEY + " false to serve TLS only, on bridgePort)");
    }
    if (tls.port() == port && port != 0) {
      throw new IllegalArgumentException(TLS_KEY + ".port " + port + " is bridgePort too; give it another port"
          + " (or set " + PLAIN_KEY + " false to serve TLS only, on bridgePort)");
    }
    return new BridgeListeners(host, port, tls, tls.port());
  }

  /**
   * The ports the bridge listens on ({@code -1}: that listener is off) and whether the TLS one asks
   * for client certificates.
   */
  public record Ports(String host, int plain, int tls, ClientAuth clientAuth) {
    /** The plaintext port, or the TLS port when only TLS listens. */
    public int first() {
      return plain >= 0 ? plain : tls;
    }

    /** E.g. {@code bridge on 127.0.0.1:7181, TLS bridge on 127.0.0.1:7443 (client certificates required)}. */
    public String describe() {
      String plainPart = plain < 0 ? null : "bridge on " + host + ":" + plain;
      if (tls < 0) {
        return plainPart;
      }
      String tlsPart = "TLS bridge on " + host + ":" + tls + (clientAuth == ClientAuth.NONE ? ""
          : " (client certificates " + clientAuth.name().toLowerCase(Locale.ROOT) + ")");
      return plainPart == null ? tlsPart : plainPart + ", " + tlsPart;
    }
  }

  /** Starts the listeners of {@code bridge}; call on the coordinator's context. */
  public Future<Ports> listen(BridgeServer bridge) {
    Future<Integer> plain = plainPort < 0 ? Future.succeededFuture(-1)
        : listen(bridge, new NetServerOptions(), plainPort, "bridgePort");
    return plain.compose(p -> tls == null ? Future.succeededFuture(new Ports(host, p, -1, null))
        : listen(bridge, tls.serverOptions(), tlsPort, TLS_KEY)
            .map(t -> new Ports(host, p, t, tls.clientAuth())));
  }

  private Future<Integer> listen(BridgeServer bridge, NetServerOptions options, int port, String key) {
    return bridge.listen(options, port, host).recover(t -> Future.failedFuture(new IllegalStateException(
        "the " + (options.isSsl() ? "TLS " : "") + "bridge cannot listen on " + host + ":" + port + " (" + key + "): "
            + t.getMessage(), t)));
  }
}
