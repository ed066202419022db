package io.baton.vertx.cluster;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitions of a three-node cluster through {@link PeerProxies}, with writers pinned to single
 * nodes (single-address clients, which do not fail over) on both sides: the majority keeps
 * acknowledging writes, the cut-off side acknowledges nothing, an isolated leader steps down by
 * check-quorum, an isolated follower does not disturb the leader, everything converges after the
 * heal with every acknowledged write on every node, and no two nodes ever lead the same term.
 */
class PartitionTest {
  /** Election timeout of {@link ClusterProcessTest#FAST_RAFT}: 10 ticks of 50 ms. */
  private static final long ELECTION_TIMEOUT_MS = 500;
  private static final ClientOptions OPTIONS = new ClientOptions(ClientOptions.defaults().address(), 30_000, 5_000);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;
  private Vertx vertx;
  private final PeerProxies proxies = new PeerProxies();
  private ClusterProcesses cluster;
  private final List<CoordinationClient> clients = new ArrayList<>();
  private final List<Writers> writers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    cluster = new ClusterProcesses(vertx, tmp, 3, "group", ClusterProcessTest.FAST_RAFT, proxies.route()).startAll();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Writers w : writers) {
      w.stop();
    }
    for (CoordinationClient c : clients) {
      c.close();
    }
    cluster.close();
    proxies.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void anIsolatedLeaderStepsDownAndAcknowledgesNothingWhileTheMajorityMovesOn() throws Exception {
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    long oldTerm = cluster.info(leader).getLong("term");
    List<Integer> majority = others(leader);
    await(client(majority.get(0)).create("/load", new byte[0], CreateMode.PERSISTENT));
    Writers isolated = writers(leader, 4);
    List<Writers> moving = new ArrayList<>();
    for (int m : majority) {
      moving.add(writers(m, 8));
    }
    awaitAcks(writers, 300, false);

    proxies.isolate(leader);
    long isolatedAt = System.nanoTime();
    writers.forEach(Writers::mark);
    long stepDownMs = awaitNotLeader(leader, 10 * ELECTION_TIMEOUT_MS);
    assertThat(stepDownMs).as("check-quorum step-down delay").isLessThan(6 * ELECTION_TIMEOUT_MS);
    int next = cluster.awaitLeader(majority, 30_000);
    awaitAcks(moving, 300, true);
    assertThat(isolated.acksAfterMark.get()).as("writes acknowledged by the isolated side").isZero();
    System.out.printf("isolated leader %d stepped down after %d ms; node %d leads; %d writes acknowledged by the"
            + " majority, %d with unknown outcome on the isolated side, %d ms of partition%n", leader, stepDownMs,
        next, moving.stream().mapToInt(w -> w.acksAfterMark.get()).sum(), isolated.unknown.get(),
        (System.nanoTime() - isolatedAt) / 1_000_000);

    proxies.healAll();
    assertThat(cluster.awaitLeader(cluster.ids(), 30_000)).isEqualTo(next);
    JsonObject old = cluster.info(leader);
    assertThat(old.getString("role")).isEqualTo("follower");
    assertThat(old.getLong("term")).isGreaterThan(oldTerm);
    assertConsistentAfterHeal();
  }

  @Test
  void anIsolatedFollowerDoesNotDisturbTheLeaderAndCatchesUpAfterTheHeal() throws Exception {
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    long term = cluster.info(leader).getLong("term");
    int follower = others(leader).get(0);
    int other = others(leader).get(1);
    await(client(leader).create("/load", new byte[0], CreateMode.PERSISTENT));
    Writers isolated = writers(follower, 4);
    List<Writers> moving = List.of(writers(leader, 8), writers(other, 8));
    awaitAcks(writers, 300, false);

    proxies.isolate(follower);
    writers.forEach(Writers::mark);
    awaitAcks(moving, 500, true);
    assertThat(isolated.acksAfterMark.get()).as("writes acknowledged by the isolated follower").isZero();

    proxies.healAll();
    assertThat(cluster.awaitLeader(cluster.ids(), 30_000)).isEqualTo(leader);
    assertThat(cluster.info(leader).getLong("term")).as("term (pre-vote kept the follower from raising it)")
        .isEqualTo(term);
    assertConsistentAfterHeal();
  }

  /**
   * A failed conditional write is an observation of the state like a read: it must not be decided
   * on writes that are not committed. An isolated leader that orders a write it cannot commit must
   * not fail a later {@code setData} of the old version with BadVersion, since that write never
   * happens: the node keeps its old version.
   */
  @Test
  void anIsolatedLeaderFailsNoConditionalWriteOnAWriteItCannotCommit() throws Exception {
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    CoordinationClient c = client(leader);
    await(c.create("/cas", bytes("v0"), CreateMode.PERSISTENT));

    proxies.isolate(leader);
    // Pipelined on one connection: the leader orders the first before resolving the second.
    Future<Stat> blind = c.setData("/cas", bytes("lost"), -1);
    Future<Stat> conditional = c.setData("/cas", bytes("mine"), 0);
    ErrorCode blindOutcome = outcome(blind);
    ErrorCode conditionalOutcome = outcome(conditional);
    String conditionalMessage = conditional.failed() ? conditional.cause().getMessage() : "ok";

    proxies.healAll();
    int next = cluster.awaitLeader(cluster.ids(), 30_000);
    CoordinationClient reader = client(next);
    await(reader.sync("/"));
    NodeData after = await(reader.getData("/cas", false));
    System.out.printf("isolated leader %d: blind write -> %s, setData(version 0) -> %s (%s); after the heal /cas"
            + " holds \"%s\" at version %d%n", leader, blindOutcome, conditionalOutcome, conditionalMessage,
        new String(after.data(), StandardCharsets.UTF_8), after.stat().version());
    assertThat(blindOutcome).as("the isolated leader's write").isNotNull();
    if (after.stat().version() == 0) {
      assertThat(conditionalOutcome).as("setData(version 0) while /cas stayed at version 0: %s", conditionalMessage)
          .isNotEqualTo(ErrorCode.BAD_VERSION);
    }
  }

  // ---------------------------------------------------------------- helpers

  private CoordinationClient client(int node) throws Exception {
    CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", cluster.clientPort(node),
        OPTIONS));
    clients.add(c);
    return c;
  }

  private Writers writers(int node, int inFlight) throws Exception {
    Writers w = new Writers(vertx, client(node), node + "-" + writers.size(), inFlight);
    writers.add(w);
    return w;
  }

  private List<Integer> others(int node) {
    List<Integer> out = new ArrayList<>(cluster.ids());
    out.remove(Integer.valueOf(node));
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Null for success, else the error code (OperationTimeout if no reply in 30 s). */
  private static ErrorCode outcome(Future<?> f) throws InterruptedException {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause() instanceof BatonException be ? be.code() : ErrorCode.CONNECTION_LOSS;
    } catch (TimeoutException e) {
      return ErrorCode.OPERATION_TIMEOUT;
    }
  }

  /** Polls the node's own {@code info} until it stops reporting {@code leader}; returns the delay in ms. */
  private long awaitNotLeader(int node, long timeoutMs) throws Exception {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < deadline) {
      if (!"leader".equals(cluster.info(node).getString("role"))) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("node " + node + " still leads " + timeoutMs + " ms after losing its quorum");
  }

  private static void awaitAcks(List<Writers> ws, int atLeast, boolean afterMark) throws InterruptedException {
    Writers.awaitAcks(ws, atLeast, afterMark, 30_000);
  }

  /** Stops the writers, then: converged nodes holding every acknowledged write, one leader per term. */
  private void assertConsistentAfterHeal() throws Exception {
    for (Writers w : writers) {
      w.stop();
      assertThat(w.failures).isEmpty();
    }
    cluster.awaitConverged(cluster.ids(), 60_000);
    for (int id : cluster.ids()) {
      Writers.assertHoldsEveryAcknowledged(client(id), id, writers);
    }
    assertThat(PeerProxies.leadersByTerm(cluster)).isNotEmpty()
        .allSatisfy((term, leaders) -> assertThat(leaders).as("leaders of term %d", term).hasSize(1));
  }
}
