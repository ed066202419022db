package io.baton.vertx.recipes;

import static io.baton.vertx.recipes.RecipeSupport.await;
import static io.baton.vertx.recipes.RecipeSupport.batonFailure;
import static io.baton.vertx.recipes.RecipeSupport.pending;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Barrier;
import io.baton.vertx.client.recipes.DistributedQueue;
import io.baton.vertx.client.recipes.DoubleBarrier;
import io.baton.vertx.client.recipes.QueuedItem;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Barriers, double barriers and distributed queues (plain, priority and with acknowledgement). */
class BarrierQueueTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private CoordinationClient a;
  private CoordinationClient b;
  private CoordinationClient c;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RecipeSupport.deploy(vertx, dataDir);
    a = RecipeSupport.client(vertx);
    b = RecipeSupport.client(vertx);
    c = RecipeSupport.client(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static String text(QueuedItem item) {
    return new String(item.data(), UTF_8);
  }

  @Test
  void barrierReleasesWaitersExactlyWhenRemoved() throws Exception {
    Barrier gate = Recipes.of(a).barrier("gate");
    assertThat(await(gate.set())).isTrue();
    assertThat(await(gate.set())).isFalse(); // already up
    Future<Void> w1 = Recipes.of(b).barrier("gate").await(LONG);
    Future<Void> w2 = Recipes.of(c).barrier("gate").await(LONG);
    pending(w1, 300);
    assertThat(w2.isComplete()).isFalse();
    batonFailure(Recipes.of(b).barrier("gate").await(Duration.ofMillis(200)), ErrorCode.OPERATION_TIMEOUT);
    assertThat(w1.isComplete()).isFalse();
    assertThat(await(gate.remove())).isTrue();
    await(w1, 3_000);
    await(w2, 3_000);
    assertThat(await(gate.remove())).isFalse(); // already down
    await(Recipes.of(b).barrier("gate").await(LONG), 1_000); // down: returns at once
    // raising it again blocks new waiters
    await(gate.set());
    pending(Recipes.of(b).barrier("gate").await(LONG), 200);
  }

  @Test
  void doubleBarrierEntersWhenThePartyIsCompleteAndLeavesWhenAllHaveLeft() throws Exception {
    DoubleBarrier da = Recipes.of(a).doubleBarrier("party", 3);
    DoubleBarrier db = Recipes.of(b).doubleBarrier("party", 3);
    DoubleBarrier dc = Recipes.of(c).doubleBarrier("party", 3);
    Future<Void> ea = da.enter("a", LONG);
    Future<Void> eb = db.enter("b", LONG);
    pending(ea, 300);
    assertThat(eb.isComplete()).isFalse();
    batonFailure(Recipes.of(a).doubleBarrier("party", 4).enter("x", LONG), ErrorCode.BAD_ARGUMENTS);
    assertThat(ea.isComplete()).isFalse();
    await(dc.enter("c", LONG), 3_000); // the third completes the party...
    await(ea, 3_000); // ...and releases the others
    await(eb, 3_000);

    Future<Void> la = da.leave("a", LONG);
    Future<Void> lb = db.leave("b", LONG);
    pending(la, 300);
    assertThat(lb.isComplete()).isFalse();
    batonFailure(db.leave("b", LONG), ErrorCode.NOT_HOLDER); // already left
    await(dc.leave("c", LONG), 3_000);
    await(la, 3_000);
    await(lb, 3_000);
    batonFailure(Recipes.of(a).doubleBarrier("party", 0).enter("z", LONG), ErrorCode.BAD_ARGUMENTS);
  }

  @Test
  void doubleBarrierEnterRetriedAfterALostReplyIsReleasedWithItsPartyAndAnOldReleaseFreesNoNewParty()
      throws Exception {
    DoubleBarrier da = Recipes.of(a).doubleBarrier("retried", 2);
    DoubleBarrier db = Recipes.of(b).doubleBarrier("retried", 2);
    Future<Void> ea = da.enter("a", LONG);
    await(db.enter("b", LONG), 3_000);
    await(ea, 3_000);
    Future<Void> lb = db.leave("b", LONG); // b is leaving: the party is no longer complete...
    pending(lb, 200);
    await(da.enter("a", LONG), 3_000); // ...yet a retry of a's enter (its reply lost) belongs to the released party
    batonFailure(Recipes.of(c).doubleBarrier("retried", 2).enter("a", LONG), ErrorCode.NODE_EXISTS); // a is a's
    await(da.leave("a", LONG), 3_000);
    await(lb, 3_000);
    // the directory is reused by a new party: the earlier release must not let it through
    Future<Void> again = da.enter("a", LONG);
    pending(again, 300);
    await(db.enter("b", LONG), 3_000);
    await(again, 3_000);
  }

  @Test
  void doubleBarrierCanBeUsedRoundAfterRound() throws Exception {
    // each round empties the (container) directory, which is then reaped: entering again must work
    Vertx fsyncing = Vertx.vertx();
    try {
      RecipeSupport.deploy(fsyncing, dataDir.resolve("group"), "group");
      List<DoubleBarrier> party = List.of(Recipes.of(RecipeSupport.client(fsyncing)).doubleBarrier("rounds", 2),
          Recipes.of(RecipeSupport.client(fsyncing)).doubleBarrier("rounds", 2));
      long until = System.currentTimeMillis() + 1_200;
      for (int round = 0; System.currentTimeMillis() < until; round++) {
        Future<Void> e0 = party.get(0).enter("p0", LONG);
        Future<Void> e1 = party.get(1).enter("p1", LONG);
        await(e0, 3_000);
        await(e1, 3_000);
        Future<Void> l0 = party.get(0).leave("p0", LONG);
        Future<Void> l1 = party.get(1).leave("p1", LONG);
        await(l0, 3_000);
        await(l1, 3_000);
        if (round % 5 == 0) {
          Thread.sleep(30);
        }
      }
    } finally {
      await(fsyncing.close());
    }
  }

  @Test
  void queueIsFifoWithinAPriorityAndServesHigherPrioritiesFirst() throws Exception {
    DistributedQueue producer = Recipes.of(a).queue("jobs");
    DistributedQueue consumer = Recipes.of(b).queue("jobs");
    for (int i = 0; i < 5; i++) {
      await(producer.put(bytes("plain-" + i), 0));
    }
    await(producer.put(bytes("urgent-0"), 9));
    await(producer.put(bytes("mid-0"), 5));
    await(producer.put(bytes("urgent-1"), 9));
    assertThat(await(producer.size()).getInteger("waiting")).isEqualTo(8);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      got.add(text(await(consumer.take(LONG))));
    }
    assertThat(got).containsExactly("urgent-0", "urgent-1", "mid-0", "plain-0", "plain-1", "plain-2", "plain-3",
        "plain-4");
    assertThat(await(producer.size())).isEqualTo(new JsonObject().put("waiting", 0).put("taken", 0));
    batonFailure(consumer.take(Duration.ZERO), ErrorCode.NO_NODE); // empty, do not wait
    batonFailure(consumer.take(Duration.ofMillis(200)), ErrorCode.OPERATION_TIMEOUT);
    batonFailure(producer.put(bytes("x"), -1), ErrorCode.BAD_ARGUMENTS);
    batonFailure(producer.put(bytes("x"), 1_000_000), ErrorCode.BAD_ARGUMENTS);

    // a waiting consumer gets the next item put
    Future<QueuedItem> waiting = consumer.take(LONG);
    pending(waiting, 200);
    await(producer.put(bytes("late"), 0));
    assertThat(text(await(waiting, 3_000))).isEqualTo("late");
  }

  @Test
  void concurrentConsumersGetEveryItemExactlyOnce() throws Exception {
    int items = 200;
    List<DistributedQueue> consumers = List.of(Recipes.of(a).queue("work"), Recipes.of(b).queue("work"),
        Recipes.of(c).queue("work"));
    List<String> taken = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<java.util.concurrent.Future<Integer>> counts = new ArrayList<>();
    try {
      for (DistributedQueue q : consumers) {
        counts.add(pool.submit(() -> {
          int n = 0;
          while (true) {
            QueuedItem item;
            try {
              item = await(q.take(Duration.ofMillis(1_000)));
            } catch (io.baton.core.error.BatonException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.OPERATION_TIMEOUT);
              return n;
            }
            taken.add(text(item));
            n++;
          }
        }));
      }
      DistributedQueue producer = Recipes.of(RecipeSupport.client(vertx)).queue("work");
      List<Future<String>> puts = new ArrayList<>();
      for (int i = 0; i < items; i++) {
        puts.add(producer.put(bytes("item-" + i), 0));
        if (i % 50 == 49) {
          for (Future<String> p : puts) {
            await(p);
          }
        }
      }
      int total = 0;
      for (var f : counts) {
        int n = f.get(30, TimeUnit.SECONDS);
        assertThat(n).as("a consumer took nothing").isPositive();
        total += n;
      }
      assertThat(total).isEqualTo(items);
    } finally {
      pool.shutdownNow();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      expected.add("item-" + i);
    }
    assertThat(taken).hasSize(items).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(await(Recipes.of(a).queue("work").size()))
        .isEqualTo(new JsonObject().put("waiting", 0).put("taken", 0));
  }

  @Test
  void itemOfAConsumerWhoseSessionEndsReturnsToTheQueue() throws Exception {
    DistributedQueue producer = Recipes.of(a).queue("acked");
    for (int i = 0; i < 20; i++) {
      await(producer.put(bytes("job-" + i), 0));
    }
    RecipeSupport.Doomed doomed = RecipeSupport.doomed(vertx);
    DistributedQueue dying = Recipes.of(doomed.client()).queue("acked");
    QueuedItem lost1 = await(dying.takeWithAck(Duration.ofSeconds(30), LONG));
    QueuedItem lost2 = await(dying.takeWithAck(Duration.ofSeconds(30), LONG));
    assertThat(text(lost1)).isEqualTo("job-0");
    assertThat(await(producer.size())).isEqualTo(new JsonObject().put("waiting", 18).put("taken", 2));
    doomed.cut();

    // two live consumers take with ack and acknowledge until every job is done
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
      for (CoordinationClient live : List.of(b, c)) {
        DistributedQueue q = Recipes.of(live).queue("acked");
        fs.add(pool.submit(() -> {
          while (done.size() < 20) {
            QueuedItem item;
            try {
              item = await(q.takeWithAck(Duration.ofSeconds(30), Duration.ofMillis(300)));
            } catch (io.baton.core.error.BatonException e) {
              assertThat(e.code()).isEqualTo(ErrorCode.OPERATION_TIMEOUT);
              continue;
            }
            await(q.ack(item));
            done.add(text(item));
          }
          return null;
        }));
      }
      for (var f : fs) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add("job-" + i);
    }
    assertThat(done).containsExactlyInAnyOrderElementsOf(expected); // none lost, none twice
    assertThat(await(producer.size())).isEqualTo(new JsonObject().put("waiting", 0).put("taken", 0));
  }

  @Test
  void itemOfAClosedConsumerIsTakenByAWaitingOne() throws Exception {
    DistributedQueue producer = Recipes.of(a).queue("handoff");
    await(producer.put(bytes("only"), 0));
    CoordinationClient first = RecipeSupport.client(vertx);
    QueuedItem item = await(Recipes.of(first).queue("handoff").takeWithAck(Duration.ofSeconds(30), LONG));
    Future<QueuedItem> next = Recipes.of(b).queue("handoff").take(LONG);
    pending(next, 300);
    await(first.close()); // without ack
    QueuedItem again = await(next, 3_000);
    assertThat(again.id()).isEqualTo(item.id());
    assertThat(text(again)).isEqualTo("only");
    assertThat(await(producer.size())).isEqualTo(new JsonObject().put("waiting", 0).put("taken", 0));
  }

  @Test
  void itemWhoseLeasePassesWithoutAckReturns() throws Exception {
    DistributedQueue producer = Recipes.of(a).queue("lease");
    await(producer.put(bytes("one"), 0));
    await(producer.put(bytes("two"), 0));
    DistributedQueue slow = Recipes.of(b).queue("lease");
    QueuedItem one = await(slow.takeWithAck(Duration.ofMillis(300), LONG));
    QueuedItem two = await(slow.takeWithAck(Duration.ofSeconds(30), LONG));
    batonFailure(Recipes.of(c).queue("lease").ack(two), ErrorCode.NOT_HOLDER); // another session
    Future<QueuedItem> other = Recipes.of(c).queue("lease").takeWithAck(Duration.ofSeconds(30), LONG);
    QueuedItem back = await(other, 3_000); // "one" comes back when its lease passes
    assertThat(back.id()).isEqualTo(one.id());
    assertThat(text(back)).isEqualTo("one");
    batonFailure(slow.ack(one), ErrorCode.NOT_HOLDER); // the lease was lost
    await(slow.ack(two));
    batonFailure(slow.ack(two), ErrorCode.NOT_HOLDER); // acked twice
    await(Recipes.of(c).queue("lease").ack(back));
    Thread.sleep(400); // longer than the first lease: nothing comes back after acks
    assertThat(await(producer.size())).isEqualTo(new JsonObject().put("waiting", 0).put("taken", 0));
    batonFailure(slow.takeWithAck(Duration.ZERO, LONG), ErrorCode.BAD_ARGUMENTS);
  }
}
