package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.recipe.Grant;
import io.baton.core.recipe.LockKind;
import io.baton.core.recipe.QueueItem;
import io.baton.core.server.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recipes whose outcome used to depend on a write that a fault could drop, in a 3-node cluster. */
class RecipeFaultTest {
  @TempDir
  Path dir;

  private static long awaitLeader(LocalCluster c) {
    long[] leader = new long[1];
    await().atMost(Duration.ofSeconds(10)).until(() -> (leader[0] = c.leader()) != 0);
    return leader[0];
  }

  /**
   * A take that asked not to wait, made through a follower (its take is forwarded, so it completes
   * after the call returns): it used to fail with NoNode ("empty") while the take went through, and
   * the item was lost (plain) or leased to nobody who knew (ack).
   */
  @Test
  void aTakeThatDoesNotWaitGetsTheItemItTookAndLosesNothing() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long leader = awaitLeader(c);
      long follower = c.followersOf(leader).iterator().next();
      LocalCluster.Member f = c.nodes.get(follower);
      long session = f.node.openSession(30_000);
      for (int i = 0; i < 4; i++) {
        byte[] data = ("item-" + i).getBytes(StandardCharsets.UTF_8);
        settled(() -> f.node.call(() -> f.recipes.put(session, "q", data, 0)));
      }
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        boolean ack = i % 2 == 1;
        QueueItem item = f.node.call(() -> f.recipes.take(session, "q", ack, 30_000, 0)).get(10, TimeUnit.SECONDS);
        got.add(new String(item.data(), StandardCharsets.UTF_8));
        if (ack) {
          f.node.call(() -> f.recipes.ack(session, "q", item.id())).get(10, TimeUnit.SECONDS);
        }
      }
      assertThat(got).containsExactly("item-0", "item-1", "item-2", "item-3");
      assertThat(errorOf(f.node.call(() -> f.recipes.take(session, "q", false, 0, 0)))).isEqualTo(ErrorCode.NO_NODE);
      assertThat(f.node.call(() -> f.recipes.queueSize("q"))).containsExactly(0, 0);
    }
  }

  /**
   * An acquire that times out on an isolated leader: the delete of its contender is proposed in a term
   * that ends and is dropped. The acquire used to fail at once and leave the contender, which was later
   * granted to a session that believed it did not hold the lock. Now the acquire fails only once the
   * contender is gone, retrying the delete until it is applied.
   */
  @Test
  void anAcquireThatTimedOutNeverLeavesItsContenderBehind() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long leader = awaitLeader(c);
      long other = c.followersOf(leader).iterator().next();
      LocalCluster.Member l = c.nodes.get(leader);
      LocalCluster.Member o = c.nodes.get(other);
      long holder = o.node.openSession(30_000);
      long waiter = l.node.openSession(30_000);
      settled(() -> o.node.call(() -> o.recipes.acquire(holder, LockKind.MUTEX, "m", null, 1, 10_000)));
      CompletableFuture<Grant> waiting = l.node.call(() -> l.recipes.acquire(waiter, LockKind.MUTEX, "m", null, 1,
          300));
      await().atMost(Duration.ofSeconds(5)).until(() -> o.node.call(() -> o.recipes.holders(LockKind.MUTEX, "m")
          .size()) == 1 && c.node(other).children("/baton/locks/m").size() == 2);
      c.isolate(Set.of(leader));
      Thread.sleep(1_500); // the timeout passes on the isolated leader; its delete cannot commit
      c.heal();
      assertThat(errorOf(waiting)).isEqualTo(ErrorCode.OPERATION_TIMEOUT);
      for (long id : c.nodes.keySet()) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(c.node(id).children("/baton/locks/m")).as("contenders on node %d", id).hasSize(1));
      }
      o.node.call(() -> o.recipes.release(holder, LockKind.MUTEX, "m", null, null)).get(10, TimeUnit.SECONDS);
      for (long id : c.nodes.keySet()) {
        LocalCluster.Member m = c.nodes.get(id);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          List<Map<String, Object>> holders = m.node.call(() -> m.recipes.holders(LockKind.MUTEX, "m"));
          assertThat(holders).as("holders on node %d after the only holder released", id).isEmpty();
        });
      }
    }
  }

  /**
   * A take committed long after it was proposed (here the leader's clock runs 10 s on while its
   * followers' acknowledgements are held back): the lease used to be counted from the proposal, so
   * the item was handed out with its 5 s lease already over and taken back at once.
   */
  @Test
  void aQueueLeaseIsCountedFromTheTakesCommit() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.NONE)) {
      long leader = awaitLeader(c);
      LocalCluster.Member l = c.nodes.get(leader);
      long session = l.node.openSession(60_000);
      settled(() -> l.node.call(() -> l.recipes.put(session, "q", new byte[] {1}, 0)));
      for (long f : c.followersOf(leader)) {
        c.cutOneWay(f, leader);
      }
      CompletableFuture<QueueItem> taking = l.node.call(() -> l.recipes.take(session, "q", true, 5_000, 10_000));
      Thread.sleep(100);
      assertThat(taking).as("not committed while no follower acknowledges").isNotDone();
      l.node.clockOffset.addAndGet(10_000);
      c.heal();
      QueueItem item = taking.get(10, TimeUnit.SECONDS);
      Thread.sleep(300); // a few recipe ticks on the leader: an expired lease would be returned now
      assertThat(l.node.call(() -> l.recipes.queueSize("q"))).containsExactly(0, 1);
      l.node.call(() -> l.recipes.ack(session, "q", item.id())).get(10, TimeUnit.SECONDS);
      assertThat(l.node.call(() -> l.recipes.queueSize("q"))).containsExactly(0, 0);
    }
  }

  /**
   * An acquire read while the release before it is not applied yet (a retried release after a lost
   * reply, a follower behind the leader) saw its own old contender, still granted, and took a second hold
   * on it: that write reached the log after the release and the acquire failed with NoNode (the recipe
   * soak found it during a failover). Now it contends afresh and is granted.
   */
  @Test
  void anAcquireThatSawItsReleasedContenderContendsAfresh() throws Exception {
    try (LocalCluster c = new LocalCluster(dir, 3, Durability.GROUP)) {
      long leader = awaitLeader(c);
      LocalCluster.Member l = c.nodes.get(leader);
      long session = l.node.openSession(30_000);
      Grant first = settled(() -> l.node.call(() -> l.recipes.acquire(session, LockKind.MUTEX, "m", null, 1, 10_000)));
      List<CompletableFuture<?>> both = l.node.call(() -> List.of(
          l.recipes.release(session, LockKind.MUTEX, "m", null, null),
          l.recipes.acquire(session, LockKind.MUTEX, "m", null, 1, 10_000)));
      assertThat(both.get(0).get(10, TimeUnit.SECONDS)).isEqualTo(0);
      Grant second = (Grant) both.get(1).get(10, TimeUnit.SECONDS);
      assertThat(second.holds()).isEqualTo(1);
      assertThat(second.path()).isNotEqualTo(first.path());
      assertThat(c.node(leader).children("/baton/locks/m")).containsExactly(second.path().substring("/baton/locks/m/".length()));
    }
  }

  /** Runs a set-up step until it is not refused with ConnectionLoss (a leader change on a busy machine). */
  private static <T> T settled(java.util.function.Supplier<CompletableFuture<T>> step) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return step.get().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (attempt >= 20 || !(e.getCause() instanceof BatonException b) || b.code() != ErrorCode.CONNECTION_LOSS) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static ErrorCode errorOf(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(20, TimeUnit.SECONDS);
      return ErrorCode.OK;
    } catch (ExecutionException e) {
      return e.getCause() instanceof BatonException b ? b.code() : ErrorCode.SYSTEM_ERROR;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no outcome in 20 s", e);
    }
  }
}
