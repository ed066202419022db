package io.baton.vertx.zk;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.zookeeper.client.HostProvider;

/**
 * A ZooKeeper client's servers tried in the order given, no shuffling, so a test decides where a
 * client goes. {@code ZooKeeper.updateServerList} replaces the list; a client whose server is not in
 * the new list leaves it.
 */
public final class OrderedHosts implements HostProvider {
  private volatile List<InetSocketAddress> hosts;
  private int next;

  public OrderedHosts(int... ports) {
    this.hosts = addresses(ports);
  }

  /** 127.0.0.1 with each port. */
  public static List<InetSocketAddress> addresses(int... ports) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (int p : ports) {
      out.add(new InetSocketAddress("127.0.0.1", p));
    }
    return out;
  }

  /** A connect string of the same addresses (for {@code ZooKeeper.updateServerList}). */
  public static String connectString(int... ports) {
    StringBuilder s = new StringBuilder();
    for (int p : ports) {
      s.append(s.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
    }
    return s.toString();
  }

  @Override
  public int size() {
    return hosts.size();
  }

  @Override
  public synchronized InetSocketAddress next(long spinDelay) {
    List<InetSocketAddress> h = hosts;
    if (next >= h.size()) {
      next = 0;
      if (spinDelay > 0) {
        try {
          Thread.sleep(spinDelay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return h.get(next++);
  }

  @Override
  public synchronized void onConnected() {
    next = 0;
  }

  @Override
  public synchronized boolean updateServerList(Collection<InetSocketAddress> serverAddresses,
                                               InetSocketAddress currentHost) {
    List<InetSocketAddress> h = new ArrayList<>();
    for (InetSocketAddress a : serverAddresses) {
      h.add(new InetSocketAddress(a.getHostString(), a.getPort()));
    }
    hosts = h;
    next = 0;
    return currentHost != null && h.stream().noneMatch(a -> a.getPort() == currentHost.getPort());
  }
}
