package io.baton.vertx.cluster;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.cluster.support.History;
import io.baton.vertx.cluster.support.History.Op;
import io.baton.vertx.cluster.support.LinearizabilityChecker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Concurrent failover clients run random reads (sync + getData), blind writes and version-checked
 * writes on three registers of a cluster whose peer links all go through {@link PeerProxies}, while
 * the leader is killed, isolated and paused and a follower is blackholed; the recorded
 * {@link History} must be linearizable. The cluster is secured: {@code enforceAuth} on every node,
 * the clients authenticate (again on each node they fail over to) and the registers carry an ACL
 * that grants only their identity, so every write a follower forwards carries the caller's identity
 * to the leader, which checks it. The soak variant ({@code -Dbaton.soak=true}) injects seeded
 * random faults for {@code baton.soak.seconds} (600) on {@code baton.soak.nodes} (3) nodes;
 * {@code baton.soak.seed} replays a fault sequence.
 */
class LinearizabilityTest {
  private static final Logger LOG = LoggerFactory.getLogger(LinearizabilityTest.class);
  private static final List<String> KEYS = List.of("/lin/a", "/lin/b", "/lin/c");
  private static final Set<ErrorCode> UNKNOWN = Set.of(ErrorCode.CONNECTION_LOSS, ErrorCode.NOT_READY,
      ErrorCode.OPERATION_TIMEOUT);
  private static final ClientOptions OPTIONS = new ClientOptions(ClientOptions.defaults().address(), 30_000, 5_000);
  private static final io.baton.core.acl.Acl WRITERS_ONLY = new io.baton.core.acl.Acl(io.baton.core.acl.Perms.ALL,
      new io.baton.core.auth.Identity("auth", ""));

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;
  private Vertx vertx;
  private final PeerProxies proxies = new PeerProxies();
  private ClusterProcesses cluster;
  private Faults faults;
  private final List<CoordinationClient> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final History history = new History();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong unknownUpdates = new AtomicLong();
  private final AtomicLong unknownReads = new AtomicLong();
  private final AtomicLong transportErrors = new AtomicLong();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;

  @AfterEach
  void tearDown() throws Exception {
    stopClients();
    for (CoordinationClient c : clients) {
      c.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    proxies.close();
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void historyThroughLeaderCrashPartitionPauseAndFollowerBlackholeIsLinearizable() throws Exception {
    start(3, 6, 1);
    awaitProgress(100);
    timed("kill -9 leader", faults::killAndRestartLeader);
    timed("isolate leader", faults::isolateLeader);
    timed("SIGSTOP leader", faults::pauseLeader);
    timed("blackhole follower", () -> faults.blackholeFollower(new Random(1)));
    awaitProgress(100);
    finish(500, LinearizabilityChecker.DEFAULT_TIMEOUT);
  }

  @Test
  @EnabledIfSystemProperty(named = "baton.soak", matches = "true")
  void soakWithRandomFaultsIsLinearizable() throws Exception {
    long seed = Long.getLong("baton.soak.seed", System.nanoTime());
    int nodes = Integer.getInteger("baton.soak.nodes", 3);
    long seconds = Long.getLong("baton.soak.seconds", 600);
    System.out.printf("soak: seed %d, %d nodes, %d s%n", seed, nodes, seconds);
    Random rnd = new Random(seed);
    start(nodes, 2 * nodes, seed);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int faultCount = 0;
    while (System.nanoTime() < deadline) {
      int kind = rnd.nextInt(Faults.NAMES.size());
      timed("#" + ++faultCount + " (seed " + seed + ") " + Faults.NAMES.get(kind), faults.pick(kind, rnd));
      awaitProgress(50 + rnd.nextInt(300));
    }
    finish(seconds * 5, Duration.ofMinutes(10));
  }

  private void timed(String name, Faults.Fault fault) throws Exception {
    faults.timed(name, fault, completed::get);
  }

  // ---------------------------------------------------------------- clients

  /** Starts the cluster, creates the registers (recorded as writes of "init") and the client threads. */
  private void start(int nodes, int clientCount, long seed) throws Exception {
    vertx = Vertx.vertx();
    cluster = new ClusterProcesses(vertx, tmp, nodes, "group", ClusterProcessTest.FAST_RAFT, proxies.route(),
        new JsonObject().put("enforceAuth", true)).startAll();
    faults = new Faults(cluster, proxies, this::awaitProgress);
    faults.leader();
    CoordinationClient setup = connect();
    clients.add(setup);
    await(setup.create("/lin", new byte[0], List.of(WRITERS_ONLY), CreateMode.PERSISTENT));
    for (String key : KEYS) {
      long id = history.invoke(key, Op.write("init"));
      await(setup.create(key, "init".getBytes(StandardCharsets.UTF_8), List.of(WRITERS_ONLY), CreateMode.PERSISTENT));
      history.complete(id);
    }
    for (int i = 0; i < clientCount; i++) {
      CoordinationClient c = clientOn(cluster.ids().get(i % nodes));
      String name = "c" + i;
      Random rnd = new Random(seed * 31 + i);
      Thread t = new Thread(() -> runClient(c, name, rnd), name);
      threads.add(t);
      t.start();
    }
  }

  /** A failover client that starts on {@code node} (or wherever it landed after 20 tries). */
  private CoordinationClient clientOn(int node) throws Exception {
    for (int attempt = 0; ; attempt++) {
      CoordinationClient c = connect();
      if (attempt == 19 || await(c.request(new JsonObject().put("op", "info"))).getInteger("nodeId") == node) {
        clients.add(c);
        return c;
      }
      await(c.close());
    }
  }

  /** A failover client authenticated as the registers' only writer. */
  private CoordinationClient connect() throws Exception {
    CoordinationClient c = await(CoordinationClient.connectBridge(vertx, cluster.clientAddresses(), OPTIONS));
    await(c.addAuth("digest", "writer:writer-pw"));
    return c;
  }

  private void runClient(CoordinationClient c, String name, Random rnd) {
    long seq = 0;
    try {
      while (!stopping) {
        String key = KEYS.get(rnd.nextInt(KEYS.size()));
        String value = name + "-" + ++seq;
        boolean known = switch (rnd.nextInt(3)) {
          case 0 -> read(c, key);
          case 1 -> write(c, key, value);
          default -> cas(c, key, value);
        };
        if (known) {
          completed.incrementAndGet();
        } else {
          Thread.sleep(50); // a disconnected client fails at once: do not flood the history
        }
      }
    } catch (Throwable t) {
      failures.add(t);
      LOG.error("client {} failed", name, t);
    }
  }

  private boolean read(CoordinationClient c, String key) throws Exception {
    long id = history.invoke(key, Op.read());
    try {
      call(c.sync("/"));
      history.complete(id, text(call(c.getData(key, false))));
      return true;
    } catch (UnknownOutcome e) {
      history.unknown(id);
      unknownReads.incrementAndGet();
      return false;
    }
  }

  private boolean write(CoordinationClient c, String key, String value) throws Exception {
    long id = history.invoke(key, Op.write(value));
    try {
      call(c.setData(key, value.getBytes(StandardCharsets.UTF_8), -1));
      history.complete(id);
      return true;
    } catch (UnknownOutcome e) {
      history.unknown(id);
      unknownUpdates.incrementAndGet();
      return false;
    }
  }

  /**
   * A value CAS as a version-checked write: every written value is unique, so the version is
   * unchanged iff the value is.
   */
  private boolean cas(CoordinationClient c, String key, String value) throws Exception {
    NodeData seen;
    try {
      seen = call(c.getData(key, false));
    } catch (UnknownOutcome e) {
      return false;
    }
    long id = history.invoke(key, Op.cas(text(seen), value));
    try {
      call(c.setData(key, value.getBytes(StandardCharsets.UTF_8), seen.stat().version()));
      history.complete(id, true);
    } catch (UnknownOutcome e) {
      history.unknown(id);
      unknownUpdates.incrementAndGet();
      return false;
    } catch (BatonException e) {
      if (e.code() != ErrorCode.BAD_VERSION) {
        throw e;
      }
      history.complete(id, false);
    }
    return true;
  }

  /** Outcome unknown: ConnectionLoss, NotReady, a timeout or a transport error. */
  private static final class UnknownOutcome extends Exception {
    UnknownOutcome() {
      super(null, null, false, false);
    }
  }

  private <T> T call(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new UnknownOutcome();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BatonException be) {
        if (UNKNOWN.contains(be.code())) {
          throw new UnknownOutcome();
        }
        throw be;
      }
      transportErrors.incrementAndGet();
      throw new UnknownOutcome();
    }
  }

  private static String text(NodeData d) {
    return new String(d.data(), StandardCharsets.UTF_8);
  }

  private void stopClients() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(60_000);
    }
  }

  // ---------------------------------------------------------------- checks

  /** Waits until {@code n} more operations have a known outcome (the cluster is live), failing fast on a client error. */
  private void awaitProgress(long n) throws InterruptedException {
    long target = completed.get() + n;
    long deadline = System.currentTimeMillis() + 30_000;
    while (completed.get() < target) {
      assertThat(failures).isEmpty();
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("fewer than " + n + " operations completed in 30 s");
      }
      Thread.sleep(20);
    }
  }

  private void finish(long minCompleted, Duration checkBudget) throws Exception {
    stopClients();
    assertThat(failures).isEmpty();
    cluster.awaitConverged(cluster.ids(), 60_000);
    assertThat(PeerProxies.leadersByTerm(cluster)).isNotEmpty()
        .allSatisfy((term, leaders) -> assertThat(leaders).as("leaders of term %d", term).hasSize(1));
    long t0 = System.nanoTime();
    LinearizabilityChecker.Result result = LinearizabilityChecker.check(history, checkBudget);
    long checkMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("%d operations: %d with a known outcome, %d unknown writes/CAS, %d unknown reads"
            + " (%d transport errors); checked in %d ms: %s%n", history.size(), completed.get(), unknownUpdates.get(), unknownReads.get(),
        transportErrors.get(), checkMs, result.verdict());
    assertThat(result.ok()).as(result::description).isTrue();
    assertThat(completed.get()).as("operations with a known outcome").isGreaterThan(minCompleted);
  }
}
