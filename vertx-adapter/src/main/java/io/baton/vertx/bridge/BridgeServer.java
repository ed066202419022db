package io.baton.vertx.bridge;

import io.baton.core.limit.Limits;
import io.baton.core.server.Coordinator;
import io.baton.tls.ClientSockets;
import io.baton.tls.TlsListener;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.impl.CommandHandler;
import io.baton.vertx.impl.ConsumerPacing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Baton's client bridge: a TCP server speaking the wire protocol of Vert.x's TCP event-bus bridge
 * (frames of a 4-byte big-endian length and a JSON object; {@code send}, {@code publish},
 * {@code register}, {@code unregister}, {@code ping}; answers {@code message}, {@code err},
 * {@code pong}), with every bound of {@link Limits} on what a client may send or leave unread.
 * Requests go straight to the node's {@link CommandHandler}; a client may send only to the node's
 * address and register only its sessions' notification addresses.
 *
 * <p>Created and listening on the coordinator's context, so its connections live on the owner's
 * event loop: a request is parsed, applied and answered on one thread. It also tells change
 * streams whether the connections that consume a session's address take more ({@link ConsumerPacing}).
 */
public final class BridgeServer implements ConsumerPacing {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeServer.class);

  private final Vertx vertx;
  private final String address;
  private final String sessionPrefix;
  private final Limits limits;
  private final CommandHandler commands;
  private final Coordinator coordinator;
  private final Set<BridgeConnection> connections = new HashSet<>();
  private final Map<String, Integer> perHost = new HashMap<>();
  private final Map<String, Set<BridgeConnection>> consumers = new HashMap<>();
  private final Map<String, List<Runnable>> waiting = new HashMap<>();

  /** A bridge for {@code coordinator}'s node at {@code address}, serving requests with {@code commands}; call on the
   * coordinator's context. */
  public BridgeServer(Vertx vertx, String address, Coordinator coordinator, CommandHandler commands) {
    this.vertx = vertx;
    this.address = address;
    this.sessionPrefix = address + ".session.";
    this.limits = coordinator.config().limits();
    this.commands = commands;
    this.coordinator = coordinator;
  }

  /**
   * Listens on {@code host:port} with {@code options} (TLS among them: see {@link BridgeListeners});
   * completes with the port. Call on the coordinator's context. A TLS handshake that fails (a
   * plaintext client, an unknown or missing client certificate) is logged as one WARN line; the
   * connection never reaches the bridge.
   */
  public Future<Integer> listen(NetServerOptions options, int port, String host) {
    NetServer server = vertx.createNetServer(new NetServerOptions(options).setTcpNoDelay(true));
    server.connectHandler(this::accepted);
    if (options.isSsl()) {
      server.exceptionHandler(t -> LOG.warn("refused a TLS bridge connection on port {}: {}", server.actualPort(),
          TlsListener.handshakeFailure(t)));
    }
    return server.listen(port, host).map(NetServer::actualPort);
  }

  String address() {
    return address;
  }

  /** The open client connections, plaintext and TLS. */
  Collection<BridgeConnection> connections() {
    return Collections.unmodifiableSet(connections);
  }

  /** Whether a client may send requests to {@code target}: the node's address only. */
  boolean maySend(String target) {
    return address.equals(target);
  }

  /** Whether {@code target} is a session's notification address, the only kind a client may register. */
  boolean isSessionAddress(String target) {
    return target.length() > sessionPrefix.length() && target.startsWith(sessionPrefix);
  }

  /**
   * Why {@code target} may not be registered with {@code headers}, or null if it may: it must be a
   * session's notification address, and the headers must carry that session's {@code secret}.
   */
  String registrationRefusal(String target, io.vertx.core.json.JsonObject headers) {
    if (!isSessionAddress(target)) {
      return "access_denied: only '" + sessionPrefix + "<session>' may be registered";
    }
    long session;
    try {
      session = Protocol.parseHex(target.substring(sessionPrefix.length()));
    } catch (NumberFormatException e) {
      return "access_denied: '" + target + "' does not name a session";
    }
    Object secret = headers == null ? null : headers.getValue("secret");
    byte[] bytes = null;
    if (secret instanceof String hex) {
      try {
        bytes = java.util.HexFormat.of().parseHex(hex);
      } catch (IllegalArgumentException e) {
        bytes = null;
      }
    }
    return coordinator.auth().provesSession(session, bytes) ? null : "access_denied: registering for the notifications of"
        + " session " + Protocol.hex(session) + " needs its secret in header 'secret'";
  }

  boolean sessionOpen(long session) {
    return coordinator.isSessionOpen(session);
  }

  void serve(BridgeRequest request) {
    commands.handle(request);
  }

  private void accepted(NetSocket socket) {
    String host = socket.remoteAddress() == null ? "?" : socket.remoteAddress().host();
    String refusal = null;
    if (connections.size() >= limits.maxConnections()) {
      refusal = "too_many_connections: this node takes at most " + limits.maxConnections()
          + " client connections (maxConnections)";
    } else if (perHost.getOrDefault(host, 0) >= limits.maxConnectionsPerAddress()) {
      refusal = "too_many_connections: this node takes at most " + limits.maxConnectionsPerAddress()
          + " client connections from one address (maxConnectionsPerAddress)";
    }
    if (refusal != null) {
      LOG.warn("refused a bridge connection from {}: {}", host, refusal);
      socket.handler(b -> { });
      socket.write(BridgeFrames.error(refusal)).onComplete(ar -> socket.close());
      return;
    }
    ClientSockets.consolidateFlushes(socket);
    connections.add(new BridgeConnection(this, vertx, socket, host, limits));
    perHost.merge(host, 1, Integer::sum);
  }

  void registered(String target, BridgeConnection connection) {
    consumers.computeIfAbsent(target, k -> new HashSet<>()).add(connection);
  }

  void unregistered(String target, BridgeConnection connection) {
    Set<BridgeConnection> set = consumers.get(target);
    if (set != null) {
      set.remove(connection);
      if (set.isEmpty()) {
        consumers.remove(target);
      }
    }
    wake(target);
  }

  /** A connection closed. */
  void removed(BridgeConnection connection) {
    if (connections.remove(connection)) {
      perHost.computeIfPresent(connection.host(), (h, n) -> n == 1 ? null : n - 1);
    }
    for (String target : List.copyOf(connection.addresses())) {
      unregistered(target, connection);
    }
  }

  /** A connection's queue went back under the high-water mark. */
  void drained(BridgeConnection connection) {
    for (String target : List.copyOf(connection.addresses())) {
      wake(target);
    }
  }

  @Override
  public boolean ready(String target) {
    Set<BridgeConnection> set = consumers.get(target);
    if (set != null) {
      for (BridgeConnection c : set) {
        if (!c.writable()) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public void whenReady(String target, Runnable action) {
    if (ready(target)) {
      action.run();
    } else {
      waiting.computeIfAbsent(target, k -> new ArrayList<>()).add(action);
    }
  }

  private void wake(String target) {
    if (waiting.containsKey(target) && ready(target)) {
      waiting.remove(target).forEach(Runnable::run);
    }
  }
}
