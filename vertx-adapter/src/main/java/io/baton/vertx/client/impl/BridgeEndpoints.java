package io.baton.vertx.client.impl;

import io.baton.core.error.BatonException;
import io.baton.vertx.client.ClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The TCP bridges of several nodes ({@code host:port}), tried in turn from a random start. */
public final class BridgeEndpoints implements ClientImpl.Connector {
  private record HostPort(String host, int port) {
  }

  private final Vertx vertx;
  private final ClientOptions options;
  private final List<HostPort> addresses = new ArrayList<>();
  private final int connectTimeoutMs;
  private int next;

  /** Fails with BadArguments on an empty list or an entry that is not {@code host:port}. */
  public BridgeEndpoints(Vertx vertx, List<String> hostPorts, ClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    for (String hp : hostPorts) {
      addresses.add(parse(hp));
    }
    if (addresses.isEmpty()) {
      throw BatonException.badArguments("no node address given");
    }
    Collections.shuffle(addresses);
    this.connectTimeoutMs = Math.min(10_000, Math.max(1_000, options.sessionTimeoutMs() / 3));
  }

  private static HostPort parse(String hp) {
    int colon = hp == null ? -1 : hp.lastIndexOf(':');
    if (colon <= 0) {
      throw BatonException.badArguments("node address '" + hp + "' is not host:port");
    }
    String host = hp.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(hp.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(host, port);
    } catch (NumberFormatException e) {
      throw BatonException.badArguments("node address '" + hp + "' has no valid port");
    }
  }

  @Override
  public Future<Transport> connect() {
    HostPort a = addresses.get(next++ % addresses.size());
    return BridgeTransport.connect(vertx, a.host(), a.port(), options, connectTimeoutMs);
  }

  @Override
  public int addresses() {
    return addresses.size();
  }
}
