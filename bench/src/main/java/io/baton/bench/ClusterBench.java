package io.baton.bench;

import io.baton.bench.Servers.BatonServer;
import io.baton.bench.Servers.BatonTarget;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Three-node Baton cluster on this machine (child JVMs on loopback, the real launcher with
 * {@code --cluster}): write and read throughput with 100-byte values and 64 requests in flight
 * (clients on the leader, and spread over every node), leader failover time under load (kill -9
 * of the leader to the first acknowledged write issued after it), and the time a restarted
 * follower takes to catch up with entries written while it was down. Prints Markdown.
 * {@code --quick} shortens every phase; {@code --catch-up-entries N}; {@code --in-flight N} (throughput rows;
 * default 64); {@code --throughput-only} (no failover, no catch-up); {@code --failovers N} (only N failover rounds,
 * with their p50 and maximum); {@code --server-flags F1,F2}
 * (extra JVM flags of every server, e.g. a flight recording); {@code --neighbour}: a CPU-hungry process (a shell
 * busy loop, one core's worth) runs beside the servers during the throughput rows of both systems.
 */
public final class ClusterBench {
  private static final int NODES = 3;
  /** Requests in flight during a failover and a catch-up. */
  private static final int IN_FLIGHT = 64;
  private static final int SESSIONS = 6;
  private static final int KEYS = 1_000;
  private static final byte[] VALUE = new byte[100];

  private final Vertx vertx = Vertx.vertx();
  private final long warmupMs;
  private final long measureMs;
  private final int catchUpEntries;
  private final int failovers;
  private final int inFlight;
  private final boolean throughputOnly;
  private final boolean failoverOnly;
  private final boolean neighbour;

  private ClusterBench(boolean quick, int catchUpEntries, int inFlight, boolean throughputOnly, int failovers,
                       boolean neighbour) {
    this.neighbour = neighbour;
    this.inFlight = inFlight;
    this.throughputOnly = throughputOnly;
    this.warmupMs = quick ? 2_000 : 5_000;
    this.measureMs = quick ? 5_000 : 15_000;
    this.catchUpEntries = catchUpEntries;
    this.failoverOnly = failovers > 0;
    this.failovers = failovers > 0 ? failovers : quick ? 1 : 3;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    int catchUp = -1;
    int inFlight = IN_FLIGHT;
    boolean throughputOnly = false;
    boolean neighbour = false;
    int failovers = 0;
    args = BenchArgs.split(args);
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--quick")) {
        quick = true;
      } else if (args[i].equals("--catch-up-entries")) {
        catchUp = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--in-flight")) {
        inFlight = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--throughput-only")) {
        throughputOnly = true;
      } else if (args[i].equals("--failovers")) {
        failovers = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--neighbour")) {
        neighbour = true; // throughput rows only: with --failovers it changes nothing
      } else if (args[i].equals("--server-flags")) {
        Servers.EXTRA_FLAGS.addAll(List.of(args[++i].split(",")));
      }
    }
    ClusterBench bench = new ClusterBench(quick, catchUp > 0 ? catchUp : quick ? 200_000 : 1_000_000, inFlight,
        throughputOnly, failovers, neighbour);
    try {
      bench.run();
    } finally {
      bench.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private void run() throws Exception {
    if (failoverOnly) {
      failover();
      return;
    }
    System.out.printf(Locale.ROOT, "Baton %d-node cluster benchmark: %d cores, Java %s, 100-byte values, %d in flight,"
        + " %d sessions, TCP bridge clients, nodes as child JVMs on loopback (default Raft timing: 100 ms ticks,"
        + " elections after 1-2 s)%n%n", NODES, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), inFlight, Math.min(SESSIONS, inFlight));
    System.out.println("Durability: Baton `group` (fsync before acknowledging, on the leader and on each follower) vs"
        + " ZooKeeper forceSync=yes; Baton `none` vs forceSync=no. ZooKeeper 3.9.5 ensemble: QuorumPeerMain,"
        + " initLimit=10, syncLimit=5, " + Servers.ZkServer.configSummary() + ".\n");
    if (neighbour) {
      System.out.println("With a CPU-hungry neighbour: a shell busy loop (`while :; do :; done`, one core's worth) runs"
          + " beside the servers and the clients during every throughput row of both systems.\n");
    }
    System.out.println("| system | workload | durability | clients on | ops/s | p50 ms | p99 ms | p99.9 ms |");
    System.out.println("|---|---|---|---|---:|---:|---:|---:|");
    List<String> ratios = new ArrayList<>();
    Process busy = neighbour ? Servers.startTracked(new ProcessBuilder("sh", "-c", "while :; do :; done")) : null;
    try {
      throughput(ratios);
    } finally {
      if (busy != null) {
        Servers.stopTracked(busy);
      }
    }
    System.out.println();
    System.out.println("| Baton ÷ ZooKeeper, 3 nodes | durability | ops/s | p99 |");
    System.out.println("|---|---|---:|---:|");
    ratios.forEach(System.out::println);
    if (throughputOnly) {
      return;
    }
    System.out.println();
    failover();
    System.out.println();
    catchUp();
  }

  /** The throughput rows, Baton's cluster then a ZooKeeper ensemble per durability; their ratios go to {@code ratios}. */
  private void throughput(List<String> ratios) throws Exception {
    for (String durability : new String[] {"group", "none"}) {
      Load.Result set;
      Load.Result get;
      try (Cluster c = new Cluster(durability)) {
        int leader = c.leader();
        c.createKeys(leader);
        List<Integer> all = c.ids();
        measure("Baton", "setData", durability, "leader", c.target(List.of(leader)), false);
        set = measure("Baton", "setData", durability, "all nodes", c.target(all), false);
        get = measure("Baton", "getData", durability, "all nodes", c.target(all), true);
      }
      boolean sync = durability.equals("group");
      try (Ensemble z = new Ensemble(sync)) {
        Load.Result zset = measure("ZooKeeper", "setData", sync ? "forceSync=yes" : "forceSync=no", "all nodes",
            z.target(), false);
        Load.Result zget = measure("ZooKeeper", "getData", sync ? "forceSync=yes" : "forceSync=no", "all nodes",
            z.target(), true);
        ratios.add(String.format(Locale.ROOT, "| setData | %s | %.2f | %.2f |", durability,
            set.opsPerSec() / zset.opsPerSec(), set.ms(99) / zset.ms(99)));
        ratios.add(String.format(Locale.ROOT, "| getData | %s | %.2f | %.2f |", durability,
            get.opsPerSec() / zget.opsPerSec(), get.ms(99) / zget.ms(99)));
      }
    }
  }

  private Load.Result measure(String system, String name, String durability, String on, Servers.Target target,
                              boolean read) throws Exception {
    Load.Result r = Load.run(Math.min(SESSIONS, inFlight), inFlight, warmupMs, measureMs, Long.MAX_VALUE,
        (s, n, done) -> {
          if (read) {
            target.getData(s, "/k" + (n % KEYS), done);
          } else {
            target.setData(s, "/k" + (n % KEYS), VALUE, done);
          }
        });
    target.close();
    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %,.0f | %.2f | %.2f | %.2f |%s%n", system, name, durability,
        on, r.opsPerSec(), r.ms(50), r.ms(99), r.ms(99.9), r.errors() > 0 ? " " + r.errors() + " errors" : "");
    return r;
  }

  /** A ZooKeeper 3-node ensemble of child JVMs, clients spread over its members. */
  private final class Ensemble implements AutoCloseable {
    private final List<Servers.ZkServer> servers = new ArrayList<>();

    Ensemble(boolean forceSync) throws Exception {
      Path root = Files.createTempDirectory("zk-ensemble-bench");
      List<String> lines = new ArrayList<>();
      for (int id = 1; id <= NODES; id++) {
        servers.add(new Servers.ZkServer(Files.createDirectories(root.resolve("z" + id)), forceSync, null));
        lines.add("server." + id + "=127.0.0.1:" + Servers.freePort() + ":" + Servers.freePort());
      }
      for (int id = 1; id <= NODES; id++) {
        servers.get(id - 1).inEnsemble(id, lines).start();
      }
      for (Servers.ZkServer s : servers) {
        s.awaitServing(120_000);
      }
      org.apache.zookeeper.ZooKeeper setup = servers.get(0).client();
      for (int i = 0; i < KEYS; i++) {
        setup.create("/k" + i, VALUE, org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
            org.apache.zookeeper.CreateMode.PERSISTENT);
      }
      setup.close();
    }

    Servers.ZkTarget target() throws Exception {
      List<org.apache.zookeeper.ZooKeeper> sessions = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        sessions.add(servers.get(i % NODES).client());
      }
      return new Servers.ZkTarget(() -> { throw new UnsupportedOperationException("node count"); }, sessions);
    }

    @Override
    public void close() throws Exception {
      for (Servers.ZkServer s : servers) {
        s.stop();
        s.deleteDir();
      }
    }
  }

  /** kill -9 of the leader under write load from the followers' clients, {@link #failovers} times. */
  private void failover() throws Exception {
    System.out.println("| failover | killed leader | new leader | kill -9 to first acknowledged new write (ms) |"
        + " writes acknowledged in the run |");
    System.out.println("|---|---:|---:|---:|---:|");
    List<Double> times = new ArrayList<>();
    try (Cluster c = new Cluster("group")) {
      c.createKeys(c.leader());
      for (int round = 1; round <= failovers; round++) {
        int leader = c.leader();
        List<Integer> followers = new ArrayList<>(c.ids());
        followers.remove(Integer.valueOf(leader));
        List<CoordinationClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          clients.add(c.client(followers.get(i % followers.size())));
        }
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstAck = new AtomicLong();
        AtomicLong acks = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong running = new AtomicLong(IN_FLIGHT);
        for (int slot = 0; slot < IN_FLIGHT; slot++) {
          CoordinationClient client = clients.get(slot % clients.size());
          write(client, slot, killedAt, firstAck, acks, stop, running);
        }
        Thread.sleep(3_000);
        killedAt.set(System.nanoTime());
        c.kill(leader);
        long deadline = System.currentTimeMillis() + 30_000;
        while (firstAck.get() == 0 && System.currentTimeMillis() < deadline) {
          Thread.sleep(5);
        }
        int next = c.leader(followers);
        stop.set(true);
        while (running.get() > 0) {
          Thread.sleep(10);
        }
        if (firstAck.get() != 0) {
          times.add((firstAck.get() - killedAt.get()) / 1e6);
        }
        System.out.printf(Locale.ROOT, "| %d | %d | %d | %s | %,d |%n", round, leader, next,
            firstAck.get() == 0 ? "none in 30 s" : String.format(Locale.ROOT, "%,.0f",
                (firstAck.get() - killedAt.get()) / 1e6), acks.get());
        for (CoordinationClient client : clients) {
          client.close();
        }
        c.node(leader).start();
        c.leader();
      }
    }
    if (times.size() > 1) {
      List<Double> sorted = times.stream().sorted().toList();
      System.out.printf(Locale.ROOT, "%nFailover over %d rounds: p50 %,.0f ms, max %,.0f ms (%d without a write in 30 s)%n",
          failovers, sorted.get((sorted.size() - 1) / 2), sorted.get(sorted.size() - 1), failovers - times.size());
    }
  }

  private void write(CoordinationClient client, int slot, AtomicLong killedAt, AtomicLong firstAck, AtomicLong acks,
                     AtomicBoolean stop, AtomicLong running) {
    if (stop.get()) {
      running.decrementAndGet();
      return;
    }
    long issued = System.nanoTime();
    client.setData("/k" + slot, VALUE, -1).onComplete(r -> {
      if (r.succeeded()) {
        acks.incrementAndGet();
        if (issued > killedAt.get()) {
          firstAck.compareAndSet(0, System.nanoTime());
        }
        write(client, slot, killedAt, firstAck, acks, stop, running);
      } else {
        vertx.setTimer(5, t -> write(client, slot, killedAt, firstAck, acks, stop, running));
      }
    });
  }

  /**
   * A follower is down while {@link #catchUpEntries} entries are written; then restarted. Once with
   * the whole log kept (it catches up entry by entry), once with the default compaction (it is sent
   * the leader's snapshot, then the log tail).
   */
  private void catchUp() throws Exception {
    System.out.println("| catch-up path | entries written while down | write rate (ops/s) | restart to caught up (s) |");
    System.out.println("|---|---:|---:|---:|");
    catchUp("log", "raft.catchUpEntries=" + (2L * catchUpEntries));
    catchUp("snapshot", "");
  }

  private void catchUp(String path, String raftSettings) throws Exception {
    try (Cluster c = new Cluster("group", raftSettings)) {
      int leader = c.leader();
      c.createKeys(leader);
      int follower = c.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
      c.kill(follower);
      BatonTarget target = c.target(List.of(leader));
      Load.Result r = Load.run(SESSIONS, IN_FLIGHT, 0, TimeUnit.HOURS.toMillis(1), catchUpEntries,
          (s, n, done) -> target.setData(s, "/k" + (n % KEYS), VALUE, done));
      target.close();
      long goal = c.info(leader).getLong("commitIndex");
      long start = System.nanoTime();
      c.node(follower).start();
      long applied = -1;
      while (applied < goal) {
        try {
          applied = c.info(follower).getLong("appliedIndex");
        } catch (Exception e) {
          // not serving yet
        }
        if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5)) {
          throw new IllegalStateException("follower did not catch up in 5 minutes: " + applied + " < " + goal);
        }
        Thread.sleep(20);
      }
      System.out.printf(Locale.ROOT, "| %s (follower %d) | %,d | %,.0f | %.2f |%n", path, follower, r.ops(),
          r.opsPerSec(), (System.nanoTime() - start) / 1e9);
    }
  }

  /** Three nodes as child JVMs with a shared cluster file. */
  private final class Cluster implements AutoCloseable {
    private final List<BatonServer> nodes = new ArrayList<>();
    private final List<CoordinationClient> admins = new ArrayList<>();

    Cluster(String durability) throws Exception {
      this(durability, "");
    }

    Cluster(String durability, String raftSettings) throws Exception {
      Path root = Files.createTempDirectory("baton-cluster-bench");
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      StringBuilder cfg = new StringBuilder(raftSettings).append("\ncluster.secret=")
          .append(HexFormat.of().formatHex(key)).append('\n');
      for (int id = 1; id <= NODES; id++) {
        Path dir = Files.createDirectories(root.resolve("n" + id));
        BatonServer s = new BatonServer(vertx, dir, durability, null);
        nodes.add(s);
        cfg.append("server.").append(id).append("=127.0.0.1:").append(Servers.freePort()).append(':').append(s.port)
            .append('\n');
      }
      Path file = root.resolve("cluster.cfg");
      Files.writeString(file, cfg);
      for (int id = 1; id <= NODES; id++) {
        nodes.get(id - 1).inCluster(file, id).start();
        admins.add(null);
      }
    }

    List<Integer> ids() {
      List<Integer> out = new ArrayList<>();
      for (int id = 1; id <= NODES; id++) {
        out.add(id);
      }
      return out;
    }

    BatonServer node(int id) {
      return nodes.get(id - 1);
    }

    /**
     * kill -9 of a node; its cached admin client is dropped, so a later {@link #info} reconnects
     * at once instead of waiting for a request on the dead connection to time out.
     */
    void kill(int id) throws InterruptedException {
      node(id).kill();
      CoordinationClient admin = admins.set(id - 1, null);
      if (admin != null) {
        admin.close();
      }
    }

    CoordinationClient client(int id) throws Exception {
      return node(id).client(new ClientOptions(ClientOptions.defaults().address(), 30_000, 300_000), 60_000);
    }

    /** Clients spread over {@code on} (SESSIONS of them, round robin). */
    BatonTarget target(List<Integer> on) throws Exception {
      List<CoordinationClient> clients = new ArrayList<>();
      for (int i = 0; i < SESSIONS; i++) {
        clients.add(client(on.get(i % on.size())));
      }
      return new BatonTarget(clients);
    }

    void createKeys(int on) throws Exception {
      CoordinationClient setup = client(on);
      List<io.vertx.core.Future<String>> creates = new ArrayList<>();
      for (int i = 0; i < KEYS; i++) {
        creates.add(setup.create("/k" + i, VALUE, CreateMode.PERSISTENT));
      }
      Servers.await(io.vertx.core.Future.all(creates));
      Servers.await(setup.close());
    }

    JsonObject info(int id) throws Exception {
      CoordinationClient admin = admins.get(id - 1);
      if (admin == null) {
        ClientOptions d = ClientOptions.defaults();
        admin = Servers.await(CoordinationClient.connectBridge(vertx, "127.0.0.1", node(id).port,
            new ClientOptions(d.address(), 30_000, 5_000)));
        admins.set(id - 1, admin);
      }
      try {
        return Servers.await(admin.request(new JsonObject().put("op", "info")));
      } catch (Exception e) {
        admins.set(id - 1, null);
        throw e;
      }
    }

    int leader() throws Exception {
      return leader(ids());
    }

    /** Waits until one of {@code among} reports being the ready leader. */
    int leader(List<Integer> among) throws Exception {
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        for (int id : among) {
          try {
            if ("leader".equals(info(id).getString("role"))) {
              return id;
            }
          } catch (Exception e) {
            // not up yet, or its session is being opened
          }
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("no leader among " + among + " in 60 s");
    }

    @Override
    public void close() throws Exception {
      for (CoordinationClient a : admins) {
        if (a != null) {
          a.close();
        }
      }
      for (BatonServer s : nodes) {
        if (s.process != null && s.process.isAlive()) {
          s.stop();
        }
        s.deleteDir();
      }
    }
  }
}
