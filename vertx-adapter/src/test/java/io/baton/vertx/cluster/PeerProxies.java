package io.baton.vertx.cluster;

import io.baton.vertx.cluster.support.FaultProxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@link FaultProxy} per directed peer link of a {@link ClusterProcesses} (pass {@link #route()}
 * as its {@code PeerRoute}): node {@code a} reaches node {@code b} only through link (a, b), so a
 * node can be partitioned by blocking or blackholing the links to and from it.
 */
final class PeerProxies implements AutoCloseable {
  private static final Pattern LEADS = Pattern.compile("node (\\d+) leads term (\\d+) from zxid");
  private final Map<List<Integer>, FaultProxy> links = new ConcurrentHashMap<>();

  /** Starts the proxy of each link as the cluster asks for its port. */
  ClusterProcesses.PeerRoute route() {
    return (viewer, peer, realPort) -> {
      FaultProxy p = FaultProxy.start(0, "127.0.0.1", realPort);
      links.put(List.of(viewer, peer), p);
      return p.port();
    };
  }

  /** Resets every link to and from {@code node} and refuses new connections until {@link #healAll()}. */
  void isolate(int node) {
    linksOf(node).forEach(FaultProxy::block);
  }

  /** Holds all traffic to and from {@code node} (silence, nothing closed) until {@link #healAll()}. */
  void blackhole(int node) {
    linksOf(node).forEach(FaultProxy::blackhole);
  }

  void healAll() {
    links.values().forEach(FaultProxy::heal);
  }

  private List<FaultProxy> linksOf(int node) {
    return links.entrySet().stream().filter(e -> e.getKey().contains(node)).map(Map.Entry::getValue).toList();
  }

  /**
   * Which nodes logged that they became the ready leader of each term ({@code Coordinator.lead}),
   * over every start of every node.
   */
  static Map<Long, Set<Integer>> leadersByTerm(ClusterProcesses cluster) throws Exception {
    Map<Long, Set<Integer>> out = new TreeMap<>();
    for (int id : cluster.ids()) {
      Matcher m = LEADS.matcher(cluster.server(id).log());
      while (m.find()) {
        out.computeIfAbsent(Long.parseLong(m.group(2)), t -> new TreeSet<>()).add(Integer.parseInt(m.group(1)));
      }
    }
    return out;
  }

  @Override
  public void close() {
    links.values().forEach(FaultProxy::close);
  }
}
