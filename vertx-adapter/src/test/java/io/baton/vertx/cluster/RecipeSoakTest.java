package io.baton.vertx.cluster;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ConnectionState;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.DistributedQueue;
import io.baton.vertx.client.recipes.DoubleBarrier;
import io.baton.vertx.client.recipes.Election;
import io.baton.vertx.client.recipes.Lock;
import io.baton.vertx.client.recipes.LockGrant;
import io.baton.vertx.client.recipes.QueuedItem;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recipes under the same faults as {@link LinearizabilityTest} (kill -9, SIGSTOP, isolation of the
 * leader or a follower, a blackholed follower), driven by failover clients, with invariants checked
 * at the end of each run:
 * <ul>
 *   <li>lock: among sessions that stayed live, a grant is received only after every earlier holder
 *       sent its release (at most one holder at any time), fencing tokens strictly increase in grant
 *       order, {@code holds} is never above 1 plus the session's acquires of unknown outcome since its last
 *       release (the lock is reentrant), and no contender is left once everyone stopped;</li>
 *   <li>queue: every acknowledged put is taken and acknowledged exactly once (an item whose ack had
 *       an unknown outcome at most once), nothing else is delivered, a consumer acking at once is never
 *       told its lease ran out, and the queue ends empty;</li>
 *   <li>election: the leaders recorded in the log have strictly increasing tokens, each token belongs
 *       to one session;</li>
 *   <li>double barrier: a party of {@value #PARTY} enters and leaves round after round; no {@code enter}
 *       returns before every participant began to enter, no {@code leave} before every participant began
 *       to leave, and while every participant lives each round is released.</li>
 * </ul>
 * The default run injects a few faults; {@code -Dbaton.soak=true} runs seeded random faults for
 * {@code baton.soak.seconds} (600) on {@code baton.soak.nodes} (3). {@code baton.soak.snapshotEvery=N}
 * has the nodes snapshot every N entries and keep N/4 log entries behind the newest snapshot, so
 * snapshots are captured all the time and a follower back from a fault is often sent one.
 */
class RecipeSoakTest {
  private static final ClientOptions OPTIONS = new ClientOptions(ClientOptions.defaults().address(), 20_000, 10_000);
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final int PARTY = 3;
  private static final Duration BARRIER_WAIT = Duration.ofSeconds(20);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;
  private Vertx vertx;
  private final PeerProxies proxies = new PeerProxies();
  private ClusterProcesses cluster;
  private Faults faults;
  private final List<CoordinationClient> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong completed = new AtomicLong();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final Set<Long> expiredSessions = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  private final List<Hold> holds = new CopyOnWriteArrayList<>();
  private final Set<String> ackedPuts = ConcurrentHashMap.newKeySet();
  private final Set<String> unknownPuts = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> knownAcks = new ConcurrentHashMap<>();
  private final Set<String> unknownAcks = ConcurrentHashMap.newKeySet();
  private final List<ChangeEvent> electionRecords = new CopyOnWriteArrayList<>();
  private final List<Long> writeAcks = new CopyOnWriteArrayList<>();
  private final Map<String, List<Long>> gapsByFault = new ConcurrentHashMap<>();
  private final Map<Integer, BarrierRound> rounds = new ConcurrentHashMap<>();
  private volatile boolean barriersStopped;
  private final CyclicBarrier roundGate = new CyclicBarrier(PARTY, () -> barriersStopped = stopping);

  /** What the participants of one double-barrier round saw: when each began and ended entering and leaving. */
  private record BarrierRound(Map<String, Long> enterStarts, Map<String, Long> entered, Map<String, Long> leaveStarts,
                              Map<String, Long> left) {
    BarrierRound() {
      this(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }
  }

  /** A lock hold as its client saw it: grant received at {@code got}, release sent at {@code releasing}. */
  private record Hold(String client, long session, long token, long got, long releasing) {
  }

  @AfterEach
  void tearDown() throws Exception {
    stopWorkers();
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
  void recipesKeepTheirInvariantsThroughLeaderAndFollowerFaults() throws Exception {
    start(3, 1);
    awaitProgress(50);
    Random rnd = new Random(1);
    for (int kind : new int[] {0, 2, 5, 1}) { // kill -9 leader, SIGSTOP leader, SIGSTOP follower, isolate leader
      inject(kind, Faults.NAMES.get(kind), rnd);
      awaitProgress(30);
    }
    finish(100);
  }

  @Test
  @EnabledIfSystemProperty(named = "baton.soak", matches = "true")
  void soakWithRandomFaultsKeepsTheRecipeInvariants() throws Exception {
    long seed = Long.getLong("baton.soak.seed", System.nanoTime());
    int nodes = Integer.getInteger("baton.soak.nodes", 3);
    long seconds = Long.getLong("baton.soak.seconds", 600);
    System.out.printf("recipe soak: seed %d, %d nodes, %d s%n", seed, nodes, seconds);
    Random rnd = new Random(seed);
    start(nodes, seed);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int count = 0;
    while (System.nanoTime() < deadline) {
      int kind = rnd.nextInt(Faults.NAMES.size());
      inject(kind, "#" + ++count + " (seed " + seed + ") " + Faults.NAMES.get(kind), rnd);
      awaitProgress(20 + rnd.nextInt(100));
    }
    System.out.printf("recipe soak: %d faults%n", count);
    finish(seconds);
  }

  /**
   * Injects one fault and records the longest time without an acknowledged write from its start until
   * writes flow again after it (the bench's failover figure, for every kind of fault).
   */
  private void inject(int kind, String name, Random rnd) throws Exception {
    long start = System.nanoTime();
    faults.timed(name, faults.pick(kind, rnd), completed::get);
    long end = System.nanoTime();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !writeAcks.isEmpty()
        && writeAcks.get(writeAcks.size() - 1) > end);
    List<Long> acks = new ArrayList<>(writeAcks);
    java.util.Collections.sort(acks);
    long last = start;
    long gap = 0;
    for (long t : acks) {
      if (t > start) {
        gap = Math.max(gap, t - last);
        last = t;
        if (t > end) {
          break;
        }
      }
    }
    gapsByFault.computeIfAbsent(Faults.NAMES.get(kind), k -> new CopyOnWriteArrayList<>()).add(gap / 1_000_000);
  }

  // ---------------------------------------------------------------- set-up

  private void start(int nodes, long seed) throws Exception {
    vertx = Vertx.vertx();
    Integer snapshotEvery = Integer.getInteger("baton.soak.snapshotEvery");
    cluster = (snapshotEvery == null
        ? new ClusterProcesses(vertx, tmp, nodes, "group", ClusterProcessTest.FAST_RAFT, proxies.route())
        : new ClusterProcesses(vertx, tmp, nodes, "group",
            ClusterProcessTest.FAST_RAFT + "\nraft.catchUpEntries=" + snapshotEvery / 4, proxies.route(),
            new JsonObject().put("snapshotEveryEntries", snapshotEvery))).startAll();
    faults = new Faults(cluster, proxies, this::awaitProgress);
    faults.leader();
    CoordinationClient observer = client();
    await(observer.openChangeStream(0, e -> {
      if (e.kind() == ChangeEvent.Kind.NODE_DATA_CHANGED && e.path().equals("/baton/elections/e")) {
        electionRecords.add(e);
      }
    }));
    for (int i = 0; i < nodes; i++) {
      worker("lock-" + i, seed, this::lockWorker);
      worker("candidate-" + i, seed, this::electionWorker);
    }
    for (int i = 0; i < 2 * nodes; i++) {
      worker("writer-" + i, seed, this::writer);
    }
    for (int i = 0; i < PARTY; i++) {
      worker("participant-" + i, seed, this::barrierWorker);
    }
    worker("producer", seed, this::producer);
    worker("consumer-0", seed, this::consumer);
    worker("consumer-1", seed, this::consumer);
  }

  private CoordinationClient client() throws Exception {
    CoordinationClient c = null;
    for (int attempt = 0; c == null; attempt++) {
      try {
        c = await(CoordinationClient.connectBridge(vertx, cluster.clientAddresses(), OPTIONS));
      } catch (ExecutionException e) {
        if (attempt == 20) {
          throw e;
        }
        Thread.sleep(250); // a leader change while the session opened: its outcome is unknown, open another
      }
    }
    clients.add(c);
    long session = c.sessionId();
    c.connectionStateHandler(s -> {
      if (s == ConnectionState.EXPIRED) {
        expiredSessions.add(session);
      }
    });
    return c;
  }

  private interface Work {
    void run(CoordinationClient c, String name, Random rnd) throws Exception;
  }

  private void worker(String name, long seed, Work work) throws Exception {
    CoordinationClient c = client();
    Random rnd = new Random(seed * 31 + name.hashCode());
    Thread t = new Thread(() -> {
      try {
        work.run(c, name, rnd);
      } catch (Throwable e) {
        failures.add(e);
      }
    }, name);
    threads.add(t);
    t.start();
  }

  // ---------------------------------------------------------------- workloads

  private void lockWorker(CoordinationClient c, String name, Random rnd) throws Exception {
    Lock lock = Recipes.of(c).mutex("m");
    int unknown = 0; // acquires whose outcome was lost (the lock is reentrant: each may have been granted)
    while (!stopping && !expiredSessions.contains(c.sessionId())) {
      LockGrant grant;
      try {
        grant = call(lock.acquire(Duration.ofSeconds(2)));
      } catch (Unknown e) {
        unknown++;
        continue;
      } catch (BatonException e) {
        if (e.code() == ErrorCode.OPERATION_TIMEOUT) {
          continue;
        }
        throw e;
      }
      long got = System.nanoTime();
      if (grant.holds() < 1 || grant.holds() > 1 + unknown) {
        violations.add(name + " was granted holds=" + grant.holds() + " after " + unknown + " acquires of unknown outcome");
      }
      Thread.sleep(1 + rnd.nextInt(10));
      long releasing = System.nanoTime();
      // with holds above 1 it has held the lock since an acquire of unknown outcome, under that grant's token
      holds.add(new Hold(name, c.sessionId(), grant.token(), got, releasing));
      for (int i = 0; i < grant.holds(); i++) {
        releaseFully(lock);
      }
      unknown = 0;
      completed.incrementAndGet();
    }
  }

  /** Releases until the outcome is known (NotHolder after an unknown release: it was applied). */
  private void releaseFully(Lock lock) throws Exception {
    while (true) {
      try {
        call(lock.release());
        return;
      } catch (Unknown e) {
        Thread.sleep(100);
      } catch (BatonException e) {
        if (e.code() == ErrorCode.NOT_HOLDER || e.code() == ErrorCode.SESSION_EXPIRED) {
          return;
        }
        throw e;
      }
    }
  }

  /**
   * Plain writes, one at a time; the times of the acknowledgements of all writers (clients spread over
   * the nodes) measure how long a fault leaves the cluster without an acknowledged write.
   */
  private void writer(CoordinationClient c, String name, Random rnd) throws Exception {
    String path = "/gap-" + name;
    while (true) {
      try {
        call(c.create(path, new byte[0], io.baton.core.tree.CreateMode.PERSISTENT));
        break;
      } catch (Unknown e) {
        Thread.sleep(100);
      } catch (BatonException e) {
        if (e.code() == ErrorCode.NODE_EXISTS) {
          break;
        }
        throw e;
      }
    }
    while (!stopping) {
      try {
        call(c.setData(path, new byte[8], -1));
        writeAcks.add(System.nanoTime());
      } catch (Unknown e) {
        Thread.sleep(20);
      }
    }
  }

  private void producer(CoordinationClient c, String name, Random rnd) throws Exception {
    DistributedQueue q = Recipes.of(c).queue("q");
    long n = 0;
    while (!stopping) {
      String item = "item-" + ++n;
      try {
        call(q.put(item.getBytes(StandardCharsets.UTF_8)));
        ackedPuts.add(item);
        completed.incrementAndGet();
      } catch (Unknown e) {
        unknownPuts.add(item);
        Thread.sleep(50);
      }
      Thread.sleep(rnd.nextInt(5));
    }
  }

  private void consumer(CoordinationClient c, String name, Random rnd) throws Exception {
    DistributedQueue q = Recipes.of(c).queue("q");
    while (!stopping && !expiredSessions.contains(c.sessionId())) {
      QueuedItem item;
      try {
        item = call(q.takeWithAck(LEASE, Duration.ofMillis(500)));
      } catch (Unknown e) {
        continue;
      } catch (BatonException e) {
        if (e.code() == ErrorCode.OPERATION_TIMEOUT || e.code() == ErrorCode.NO_NODE) {
          continue;
        }
        throw e;
      }
      String data = new String(item.data(), StandardCharsets.UTF_8);
      boolean unknown = false;
      while (true) {
        try {
          call(q.ack(item));
          if (!unknown) {
            knownAcks.merge(data, 1, Integer::sum);
          } else {
            unknownAcks.add(data);
          }
          break;
        } catch (Unknown e) {
          unknown = true;
          Thread.sleep(100);
        } catch (BatonException e) {
          if (e.code() != ErrorCode.NOT_HOLDER) {
            throw e;
          }
          if (unknown) {
            unknownAcks.add(data);
          } else if (!expiredSessions.contains(c.sessionId())) {
            violations.add(name + " acked " + data + " at once and was told it does not hold it (lease lost)");
          }
          break;
        }
      }
      completed.incrementAndGet();
    }
  }

  private void electionWorker(CoordinationClient c, String name, Random rnd) throws Exception {
    Election election = Recipes.of(c).election("e");
    while (!stopping && !expiredSessions.contains(c.sessionId())) {
      Election.Candidacy candidacy;
      try {
        candidacy = call(election.join(name, null));
      } catch (Unknown e) {
        continue;
      } catch (BatonException e) {
        if (e.code() != ErrorCode.NODE_EXISTS) {
          throw e;
        }
        resign(c, name); // an earlier join with an unknown outcome went through
        continue;
      }
      try {
        candidacy.leadership().toCompletionStage().toCompletableFuture().get(200 + rnd.nextInt(800),
            TimeUnit.MILLISECONDS);
        Thread.sleep(rnd.nextInt(50));
      } catch (TimeoutException e) {
        // not elected in time: leave and join again
      }
      resign(c, name);
      completed.incrementAndGet();
    }
  }

  /**
   * One participant of the double-barrier party. The participants agree on a local gate between rounds,
   * so that they all stop after the same round; each round uses a fresh barrier (a reused one would wait
   * for the slowest leaver before anyone could enter again).
   */
  private void barrierWorker(CoordinationClient c, String name, Random rnd) throws Exception {
    for (int r = 0; ; r++) {
      try {
        roundGate.await(2 * BARRIER_WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (java.util.concurrent.BrokenBarrierException | TimeoutException e) {
        return; // another participant's session expired
      }
      if (barriersStopped) {
        return;
      }
      BarrierRound round = rounds.computeIfAbsent(r, k -> new BarrierRound());
      DoubleBarrier barrier = Recipes.of(c).doubleBarrier("round-" + r, PARTY);
      Thread.sleep(rnd.nextInt(50));
      round.enterStarts().put(name, System.nanoTime());
      if (!barrierStep(c, name, r, () -> barrier.enter(name, BARRIER_WAIT), false)) {
        return;
      }
      round.entered().put(name, System.nanoTime());
      Thread.sleep(rnd.nextInt(50));
      round.leaveStarts().put(name, System.nanoTime());
      if (!barrierStep(c, name, r, () -> barrier.leave(name, BARRIER_WAIT), true)) {
        return;
      }
      round.left().put(name, System.nanoTime());
      completed.incrementAndGet();
    }
  }

  /**
   * Enters or leaves, retrying while the outcome is unknown (an enter is retried as the same participant;
   * a leave retried after it went through is NotHolder). False when the party broke up: a session expired.
   */
  private boolean barrierStep(CoordinationClient c, String name, int round,
                              java.util.function.Supplier<Future<Void>> step, boolean leaving) throws Exception {
    boolean unknown = false;
    while (true) {
      try {
        call(step.get());
        return true;
      } catch (Unknown e) {
        unknown = true;
        Thread.sleep(100);
      } catch (BatonException e) {
        if (e.code() == ErrorCode.SESSION_EXPIRED || e.code() == ErrorCode.OPERATION_TIMEOUT
            && !expiredSessions.isEmpty()) {
          roundGate.reset();
          return false;
        }
        if (leaving && unknown && e.code() == ErrorCode.NOT_HOLDER) {
          return true;
        }
        if (e.code() == ErrorCode.OPERATION_TIMEOUT) {
          violations.add(name + " was not " + (leaving ? "let out" : "let in") + " in round " + round + " within "
              + BARRIER_WAIT.toSeconds() + " s, every participant live");
          roundGate.reset();
          return false;
        }
        throw e;
      }
    }
  }

  /** Leaves the election as {@code name} until the outcome is known (NotHolder: not a candidate any more). */
  private void resign(CoordinationClient c, String name) throws Exception {
    while (true) {
      try {
        call(c.request(new JsonObject().put("op", "election.resign").put("name", "e").put("candidate", name)));
        return;
      } catch (Unknown e) {
        Thread.sleep(100);
      } catch (BatonException e) {
        if (e.code() == ErrorCode.NOT_HOLDER || e.code() == ErrorCode.SESSION_EXPIRED) {
          return;
        }
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- checks

  private void finish(long minCompleted) throws Exception {
    stopWorkers();
    assertThat(failures).isEmpty();
    cluster.awaitConverged(cluster.ids(), 60_000);
    CoordinationClient checker = client();
    drainQueue(checker);
    checkLocks(checker);
    checkQueue();
    checkElection();
    checkBarriers();
    System.out.printf("recipe run: %d operations, %d lock holds, %d puts acked (%d unknown), %d acks, %d election"
            + " records, %d barrier rounds, %d sessions expired; violations: %s%n", completed.get(), holds.size(),
        ackedPuts.size(), unknownPuts.size(), knownAcks.size(), electionRecords.size(), rounds.size(),
        expiredSessions.size(), violations);
    gapsByFault.forEach((fault, gaps) -> System.out.printf("longest gap without an acknowledged write, %s: max %d ms"
        + " over %d faults %s%n", fault, gaps.stream().mapToLong(Long::longValue).max().orElse(0), gaps.size(), gaps));
    assertThat(violations).isEmpty();
    assertThat(completed.get()).isGreaterThan(minCompleted);
  }

  private void checkLocks(CoordinationClient checker) throws Exception {
    List<Hold> live = new ArrayList<>();
    for (Hold h : holds) {
      if (!expiredSessions.contains(h.session())) {
        live.add(h);
      }
    }
    live.sort(Comparator.comparingLong(Hold::got));
    long lastReleasing = Long.MIN_VALUE;
    long lastToken = Long.MIN_VALUE;
    for (Hold h : live) {
      if (h.got() <= lastReleasing) {
        violations.add("lock granted to " + h.client() + " before an earlier holder released");
      }
      if (h.token() <= lastToken) {
        violations.add("token " + h.token() + " of " + h.client() + " not above " + lastToken);
      }
      lastReleasing = Math.max(lastReleasing, h.releasing());
      lastToken = Math.max(lastToken, h.token());
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
        assertThat(await(checker.exists("/baton/locks/m", false)) == null ? List.<String>of()
            : await(checker.getChildren("/baton/locks/m", false)).names())
            .as("contenders left once every worker stopped").isEmpty());
  }

  /** Producers stopped: consumers' leases return what they did not ack; take and ack what is left. */
  private void drainQueue(CoordinationClient checker) throws Exception {
    DistributedQueue q = Recipes.of(checker).queue("q");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      JsonObject size = await(q.size());
      if (size.getInteger("waiting") == 0 && size.getInteger("taken") == 0) {
        return;
      }
      try {
        QueuedItem item = call(q.takeWithAck(LEASE, Duration.ofMillis(500)));
        call(q.ack(item));
        knownAcks.merge(new String(item.data(), StandardCharsets.UTF_8), 1, Integer::sum);
      } catch (Unknown | BatonException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the queue did not drain in 60 s: " + await(q.size()));
  }

  private void checkQueue() {
    for (Map.Entry<String, Integer> e : knownAcks.entrySet()) {
      if (e.getValue() > 1) {
        violations.add(e.getKey() + " acknowledged " + e.getValue() + " times");
      }
      if (!ackedPuts.contains(e.getKey()) && !unknownPuts.contains(e.getKey())) {
        violations.add(e.getKey() + " delivered but never put");
      }
    }
    for (String put : ackedPuts) {
      if (!knownAcks.containsKey(put) && !unknownAcks.contains(put)) {
        violations.add(put + " was put (acknowledged) and never delivered");
      }
    }
  }

  private void checkElection() {
    long lastToken = Long.MIN_VALUE;
    Map<Long, String> sessionOfToken = new HashMap<>();
    for (ChangeEvent e : electionRecords) {
      JsonObject leader = new JsonObject(new String(e.data(), StandardCharsets.UTF_8)).getJsonObject("leader");
      if (leader == null) {
        continue;
      }
      long token = leader.getLong("token");
      String session = String.valueOf(leader.getValue("session"));
      String before = sessionOfToken.putIfAbsent(token, session);
      if (before != null && !before.equals(session)) {
        violations.add("election token " + token + " recorded for two sessions");
      }
      if (token < lastToken) {
        violations.add("election token " + token + " recorded after " + lastToken);
      }
      lastToken = Math.max(lastToken, token);
    }
  }

  private void checkBarriers() {
    rounds.forEach((r, round) -> {
      long allEntering = round.enterStarts().values().stream().mapToLong(Long::longValue).max().orElse(0);
      long allLeaving = round.leaveStarts().values().stream().mapToLong(Long::longValue).max().orElse(0);
      round.entered().forEach((who, t) -> {
        if (round.enterStarts().size() < PARTY || t < allEntering) {
          violations.add(who + " entered round " + r + " before all " + PARTY + " participants began to enter");
        }
      });
      round.left().forEach((who, t) -> {
        if (round.leaveStarts().size() < PARTY || t < allLeaving) {
          violations.add(who + " left round " + r + " before all " + PARTY + " participants began to leave");
        }
      });
    });
  }

  // ---------------------------------------------------------------- plumbing

  private void awaitProgress(long n) throws InterruptedException {
    long target = completed.get() + n;
    long deadline = System.currentTimeMillis() + 60_000;
    while (completed.get() < target) {
      assertThat(failures).isEmpty();
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("fewer than " + n + " recipe operations completed in 60 s");
      }
      Thread.sleep(20);
    }
  }

  private void stopWorkers() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(60_000);
    }
  }

  /** Outcome unknown: ConnectionLoss, NotReady, a timeout or a transport error. */
  private static final class Unknown extends Exception {
    Unknown() {
      super(null, null, false, false);
    }
  }

  private static <T> T call(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new Unknown();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BatonException be) {
        if (be.code() == ErrorCode.CONNECTION_LOSS || be.code() == ErrorCode.NOT_READY
            || be.code() == ErrorCode.OPERATION_TIMEOUT && be.getMessage().contains(": no reply within")) {
          throw new Unknown();
        }
        throw be;
      }
      throw new Unknown();
    }
  }
}
