package io.baton.zookeeper;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;

/**
 * A real ZooKeeper 3.9.5 server in the test JVM (NIO connections, no Netty), on 127.0.0.1 and a free
 * port, with TTL nodes enabled and Baton's session timeout bounds (2 s..60 s), for differential tests.
 * It runs no container manager: containers and TTL nodes are never reaped here.
 */
final class RealZooKeeper implements AutoCloseable {
  private final ZooKeeperServer server;
  private final ServerCnxnFactory factory;

  private RealZooKeeper(ZooKeeperServer server, ServerCnxnFactory factory) {
    this.server = server;
    this.factory = factory;
  }

  static RealZooKeeper start(Path dir) throws Exception {
    System.setProperty("zookeeper.extendedTypesEnabled", "true");
    System.setProperty("zookeeper.admin.enableServer", "false");
    File data = dir.toFile();
    ZooKeeperServer server = new ZooKeeperServer(data, data, 1_000);
    server.setMinSessionTimeout(2_000);
    server.setMaxSessionTimeout(60_000);
    ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", 0), 100);
    factory.startup(server);
    return new RealZooKeeper(server, factory);
  }

  String connectString() {
    return "127.0.0.1:" + factory.getLocalPort();
  }

  @Override
  public void close() {
    factory.shutdown();
    server.shutdown();
  }
}
