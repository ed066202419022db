package io.baton.zookeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Apache Curator clients of a {@link ZkNode}, closed together. */
final class Curators implements AutoCloseable {
  private final List<CuratorFramework> clients = new ArrayList<>();
  private final String connectString;

  Curators(ZkNode node) {
    this.connectString = node.connectString();
  }

  /** A started client (15 s sessions, retries through a node restart), connected. */
  CuratorFramework client() throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(15_000)
        .connectionTimeoutMs(5_000).retryPolicy(new ExponentialBackoffRetry(50, 20, 1_000)).build();
    clients.add(c);
    c.start();
    if (!c.blockUntilConnected(15, TimeUnit.SECONDS)) {
      throw new AssertionError("Curator did not connect to " + connectString);
    }
    return c;
  }

  @Override
  public void close() {
    clients.forEach(CuratorFramework::close);
  }
}
