package io.baton.vertx.spi.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 in front of a Baton node, whose link can be cut (every connection closed and
 * new ones refused: the client sees its node go away and fails over, here back to the same address) and
 * restored.
 */
final class CutProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<NetSocket> clients = ConcurrentHashMap.newKeySet();
  private final int port;
  private NetServer server;

  CutProxy(int targetPort) throws Exception {
    this.targetPort = targetPort;
    this.server = listen(0);
    this.port = server.actualPort();
  }

  int port() {
    return port;
  }

  /** Client connections open now. */
  int activeConnections() {
    return clients.size();
  }

  /** Closes every connection and stops listening. */
  void cut() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    sockets.forEach(NetSocket::close);
  }

  /** Listens again on the same port. */
  void restore() throws Exception {
    server = listen(port);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private NetServer listen(int on) throws Exception {
    NetServer s = vertx.createNetServer().connectHandler(client -> {
      client.pause();
      sockets.add(client);
      clients.add(client);
      vertx.createNetClient().connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          clients.remove(client);
          client.close();
          return;
        }
        NetSocket target = ar.result();
        sockets.add(target);
        client.handler(target::write).closeHandler(v -> {
          clients.remove(client);
          target.close();
        });
        target.handler(client::write).closeHandler(v -> client.close());
        client.resume();
      });
    });
    return s.listen(on, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
