package io.baton.zookeeper;

import io.baton.core.server.Coordinator;
import io.baton.tls.TlsListener;
import io.baton.zookeeper.impl.Connections;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Baton node's ZooKeeper client port: ZooKeeper's binary protocol (jute records behind a 4-byte
 * length), so that ZooKeeper's own clients (its Java client, zkCli, Curator) work against the node
 * unchanged. A thin face over the node's {@link Coordinator}: sessions, watches, ACLs, identities
 * and limits are core's, the same the JSON face uses, so both faces serve one tree with one set of
 * rules. Create it and {@link #listen} on the coordinator's context: its connections are then served
 * on the owner's event loop, like the TCP bridge's. It may also listen with TLS ({@link #listenTls},
 * ZooKeeper's {@code secureClientPort}): a client certificate's subject is then the connection's
 * {@code x509} identity. Both listeners share the connection limits. docs/zookeeper.md lists what it
 * serves.
 */
public final class ZooKeeperPort {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperPort.class);

  private final Vertx vertx;
  private final Coordinator coordinator;
  private final Connections connections;
  private final List<NetServer> servers = new ArrayList<>();
  private boolean coordinatorListening;

  /** A ZooKeeper port for {@code coordinator}'s node with the default options; call on the coordinator's context. */
  public ZooKeeperPort(Vertx vertx, Coordinator coordinator) {
    this(vertx, coordinator, ZooKeeperPortOptions.defaults());
  }

  /** A ZooKeeper port for {@code coordinator}'s node; call on the coordinator's context. */
  public ZooKeeperPort(Vertx vertx, Coordinator coordinator, ZooKeeperPortOptions options) {
    this.vertx = vertx;
    this.coordinator = coordinator;
    this.connections = new Connections(vertx, coordinator, options);
  }

  /** Listens on {@code host:port} (0: any free port); completes with the port. Call on the coordinator's context. */
  public Future<Integer> listen(int port, String host) {
    return listen(new NetServerOptions(), port, host).map(p -> {
      connections.fourLetterWords().port(p);
      return p;
    });
  }

  /**
   * Listens with TLS on {@code host} and {@code tls}'s port (0 or none: any free port); completes with
   * the port. A failed TLS handshake is logged as one WARN line and never reaches the port.
   */
  public Future<Integer> listenTls(TlsListener tls, String host) {
    return listen(tls.serverOptions(), tls.port() == null ? 0 : tls.port(), host).map(p -> {
      connections.fourLetterWords().securePort(p);
      return p;
    });
  }

  private Future<Integer> listen(NetServerOptions options, int port, String host) {
    NetServer server = vertx.createNetServer(new NetServerOptions(options).setTcpNoDelay(true));
    server.connectHandler(connections::accept);
    if (options.isSsl()) {
      server.exceptionHandler(t -> LOG.warn("refused a TLS ZooKeeper connection on port {}: {}",
          server.actualPort(), TlsListener.handshakeFailure(t)));
    }
    servers.add(server);
    return server.listen(port, host).map(s -> {
      if (!coordinatorListening) {
        coordinator.addListener(connections);
        coordinatorListening = true;
      }
      LOG.info("ZooKeeper clients served on {}:{}{}", host, s.actualPort(), options.isSsl() ? " (TLS)" : "");
      return s.actualPort();
    });
  }

  /** Stops listening and closes every connection (their sessions live on until they expire). */
  public Future<Void> close() {
    coordinator.removeListener(connections);
    coordinatorListening = false;
    connections.closeAll();
    List<Future<Void>> closed = new ArrayList<>();
    servers.forEach(s -> closed.add(s.close()));
    return Future.all(closed).mapEmpty();
  }
}
