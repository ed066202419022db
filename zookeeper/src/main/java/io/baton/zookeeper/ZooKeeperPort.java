package io.baton.zookeeper;

import io.baton.core.server.Coordinator;
import io.baton.zookeeper.impl.Connections;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Baton node's ZooKeeper client port: ZooKeeper's binary protocol (jute records behind a 4-byte
 * length), so that ZooKeeper's own clients (its Java client, zkCli, Curator) work against the node
 * unchanged. A thin face over the node's {@link Coordinator}: sessions, watches, ACLs, identities
 * and limits are core's, the same the JSON face uses, so both faces serve one tree with one set of
 * rules. Create it and {@link #listen} on the coordinator's context: its connections are then served
 * on the owner's event loop, like the TCP bridge's. docs/zookeeper.md lists what it serves.
 */
public final class ZooKeeperPort {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperPort.class);

  private final Vertx vertx;
  private final Coordinator coordinator;
  private final Connections connections;
  private NetServer server;

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
    server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
    server.connectHandler(connections::accept);
    return server.listen(port, host).map(s -> {
      coordinator.addListener(connections);
      connections.fourLetterWords().port(s.actualPort());
      LOG.info("ZooKeeper clients served on {}:{}", host, s.actualPort());
      return s.actualPort();
    });
  }

  /** Stops listening and closes every connection (their sessions live on until they expire). */
  public Future<Void> close() {
    coordinator.removeListener(connections);
    connections.closeAll();
    return server == null ? Future.succeededFuture() : server.close();
  }
}
