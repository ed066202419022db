package io.baton.vertx.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The faults the cluster soaks inject into real node processes whose peer links run through
 * {@link PeerProxies}: kill -9, SIGSTOP and isolation of the leader or a follower, and a blackholed
 * follower. Each one ends with a recovered cluster (a ready leader every node follows) after the
 * workload made some progress meanwhile, and reports how long it took.
 */
final class Faults {
  /** Waits until the workload completed {@code operations} more operations (the cluster is live). */
  @FunctionalInterface
  interface Progress {
    void await(long operations) throws InterruptedException;
  }

  /** One injected fault. */
  @FunctionalInterface
  interface Fault {
    void inject() throws Exception;
  }

  private final ClusterProcesses cluster;
  private final PeerProxies proxies;
  private final Progress progress;

  Faults(ClusterProcesses cluster, PeerProxies proxies, Progress progress) {
    this.cluster = cluster;
    this.proxies = proxies;
    this.progress = progress;
  }

  /** Runs a fault and prints how long the cluster took to recover from it. */
  void timed(String name, Fault fault, java.util.function.LongSupplier completed) throws Exception {
    long t0 = System.nanoTime();
    long ops = completed.getAsLong();
    fault.inject();
    System.out.printf("fault %s: recovered in %d ms, %d operations meanwhile%n", name,
        (System.nanoTime() - t0) / 1_000_000, completed.getAsLong() - ops);
  }

  /** The fault {@code index} of {@link #NAMES} ({@code rnd} picks the follower where one is needed). */
  Fault pick(int index, Random rnd) {
    return switch (index) {
      case 0 -> this::killAndRestartLeader;
      case 1 -> this::isolateLeader;
      case 2 -> this::pauseLeader;
      case 3 -> () -> blackholeFollower(rnd);
      case 4 -> () -> killAndRestartFollower(rnd);
      case 5 -> () -> pauseFollower(rnd);
      default -> () -> isolateFollower(rnd);
    };
  }

  /** Names of the faults, by {@link #pick} index. */
  static final List<String> NAMES = List.of("kill -9 leader", "isolate leader", "SIGSTOP leader",
      "blackhole follower", "kill -9 follower", "SIGSTOP follower", "isolate follower");

  void killAndRestartLeader() throws Exception {
    int leader = leader();
    cluster.server(leader).kill9();
    cluster.awaitLeader(others(leader), 30_000);
    progress.await(50);
    cluster.server(leader).start();
    leader();
  }

  void killAndRestartFollower(Random rnd) throws Exception {
    int victim = follower(rnd);
    cluster.server(victim).kill9();
    progress.await(50);
    cluster.server(victim).start();
    leader();
  }

  void isolateLeader() throws Exception {
    int leader = leader();
    proxies.isolate(leader);
    try {
      cluster.awaitLeader(others(leader), 30_000);
      progress.await(50);
    } finally {
      proxies.healAll();
    }
    leader();
  }

  void isolateFollower(Random rnd) throws Exception {
    proxies.isolate(follower(rnd));
    try {
      progress.await(100);
    } finally {
      proxies.healAll();
    }
    leader();
  }

  /** SIGSTOP the leader until the others have elected a new one and served some operations. */
  void pauseLeader() throws Exception {
    int leader = leader();
    cluster.server(leader).pause();
    try {
      cluster.awaitLeader(others(leader), 30_000);
      progress.await(50);
    } finally {
      cluster.server(leader).resume();
    }
    leader();
  }

  /** SIGSTOP a follower while the others serve some operations. */
  void pauseFollower(Random rnd) throws Exception {
    int victim = follower(rnd);
    cluster.server(victim).pause();
    try {
      progress.await(100);
    } finally {
      cluster.server(victim).resume();
    }
    leader();
  }

  void blackholeFollower(Random rnd) throws Exception {
    proxies.blackhole(follower(rnd));
    try {
      progress.await(100);
    } finally {
      proxies.healAll();
    }
    leader();
  }

  int leader() throws Exception {
    return cluster.awaitLeader(cluster.ids(), 30_000);
  }

  int follower(Random rnd) throws Exception {
    List<Integer> followers = others(leader());
    return followers.get(rnd.nextInt(followers.size()));
  }

  List<Integer> others(int node) {
    List<Integer> out = new ArrayList<>(cluster.ids());
    out.remove(Integer.valueOf(node));
    return out;
  }
}
