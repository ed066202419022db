package io.baton.vertx.recipes;

import static io.baton.vertx.recipes.RecipeSupport.await;
import static io.baton.vertx.recipes.RecipeSupport.batonFailure;
import static io.baton.vertx.recipes.RecipeSupport.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Lock;
import io.baton.vertx.client.recipes.LockGrant;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutexes, read/write locks and semaphores through the typed client, several sessions at once. */
class LockRecipeTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private final List<CoordinationClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RecipeSupport.deploy(vertx, dataDir);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private Recipes session() throws Exception {
    CoordinationClient c = RecipeSupport.client(vertx);
    clients.add(c);
    return Recipes.of(c);
  }

  /** Runs {@code n} workers on their own threads and rethrows the first failure. */
  private static void parallel(int n, java.util.function.IntFunction<Callable<Void>> worker) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<java.util.concurrent.Future<Void>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(pool.submit(worker.apply(i)));
      }
      for (var f : fs) {
        f.get(40, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The contenders in a lock directory; none once the emptied directory (a container) was reaped. */
  private List<String> contenders(String dir) throws Exception {
    try {
      return await(clients.get(0).getChildren(dir, false)).names();
    } catch (BatonException e) {
      if (e.code() != ErrorCode.NO_NODE) {
        throw e;
      }
      return List.of();
    }
  }

  @Test
  void mutexExcludesAndFencingTokensIncreaseInGrantOrder() throws Exception {
    int workers = 4;
    int rounds = 25;
    List<Recipes> sessions = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      sessions.add(session());
    }
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
    parallel(workers, w -> () -> {
      Lock lock = sessions.get(w).mutex("contended");
      for (int i = 0; i < rounds; i++) {
        LockGrant g = await(lock.acquire(LONG));
        int now = inside.incrementAndGet();
        maxInside.accumulateAndGet(now, Math::max);
        tokens.add(g.token());
        assertThat(g.holds()).isEqualTo(1);
        Thread.sleep(i % 3);
        inside.decrementAndGet();
        assertThat(await(lock.release())).isZero();
      }
      return null;
    });
    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(tokens).hasSize(workers * rounds);
    for (int i = 1; i < tokens.size(); i++) {
      assertThat(tokens.get(i)).as("token %d of %s", i, tokens).isGreaterThan(tokens.get(i - 1));
    }
    assertThat(contenders("/baton/locks/contended")).isEmpty();
  }

  @Test
  void lockUsedOverAndOverSurvivesItsDirectoryBeingReaped() throws Exception {
    // the lock directory is a container: emptied, it is reaped on a tick; a new acquire racing the
    // reap must still succeed
    Vertx fsyncing = Vertx.vertx();
    try {
      RecipeSupport.deploy(fsyncing, dataDir.resolve("group"), "group");
      Recipes r = Recipes.of(RecipeSupport.client(fsyncing));
      Lock lock = r.mutex("busy");
      Lock sem = r.semaphore("busy", 2);
      long last = 0;
      long until = System.currentTimeMillis() + 1_200;
      int rounds = 0;
      while (System.currentTimeMillis() < until) {
        LockGrant g = await(lock.acquire(LONG));
        assertThat(g.token()).isGreaterThan(last);
        last = g.token();
        assertThat(await(lock.release())).isZero();
        await(sem.release(await(sem.acquire(LONG))));
        rounds++;
        if (rounds % 7 == 0) {
          Thread.sleep(40);
        }
      }
      assertThat(rounds).isGreaterThan(10);
    } finally {
      await(fsyncing.close());
    }
  }

  @Test
  void aGrantedReplyCarriesAZxidThatCoversTheGrant() throws Exception {
    // a client that fails over resumes only on a node that has applied its last reply's zxid: for a
    // grant that came when the previous holder left, that zxid must cover the leaving, or a release
    // on the next node finds the lock not yet granted (NotHolder) and the lock stays held
    session().mutex("covered").acquire(LONG).toCompletionStage().toCompletableFuture().get();
    CoordinationClient waiter = RecipeSupport.client(vertx);
    clients.add(waiter);
    io.vertx.core.Future<io.vertx.core.json.JsonObject> granted = waiter.request(new io.vertx.core.json.JsonObject()
        .put("op", "lock.acquire").put("name", "covered").put("timeoutMs", 10_000), 20_000);
    pending(granted, 200);
    clients.get(0).close(); // the holder leaves: the waiter is granted by that close's entry
    io.vertx.core.json.JsonObject reply = await(granted);
    long closedAt = await(waiter.exists("/baton/locks/covered", false)).pzxid();
    assertThat(reply.getLong("zxid")).isGreaterThanOrEqualTo(closedAt);
  }

  @Test
  void mutexIsReentrantPerOwner() throws Exception {
    Recipes a = session();
    Lock mine = a.mutex("re");
    LockGrant first = await(mine.acquire(LONG));
    LockGrant second = await(mine.acquire(LONG));
    assertThat(first.holds()).isEqualTo(1);
    assertThat(second.holds()).isEqualTo(2);
    assertThat(second.token()).isEqualTo(first.token());
    assertThat(second.path()).isEqualTo(first.path());

    // another owner in the same session is a different holder: it waits
    Lock other = mine.forOwner("worker-2");
    Future<LockGrant> otherGrant = other.acquire(LONG);
    pending(otherGrant, 200);
    batonFailure(other.release(), ErrorCode.NOT_HOLDER);
    JsonArray holders = await(mine.holders());
    assertThat(holders).hasSize(1);
    assertThat(holders.getJsonObject(0).getInteger("holds")).isEqualTo(2);

    assertThat(await(mine.release())).isEqualTo(1);
    pending(otherGrant, 150);
    assertThat(await(mine.release())).isZero();
    LockGrant g = await(otherGrant);
    assertThat(g.token()).isGreaterThan(first.token());
    batonFailure(mine.release(), ErrorCode.NOT_HOLDER);
    assertThat(await(other.release())).isZero();
  }

  @Test
  void acquireTimesOutAndItsContenderIsRemoved() throws Exception {
    Lock holder = session().mutex("busy");
    Recipes b = session();
    LockGrant held = await(holder.acquire(LONG));
    long t0 = System.nanoTime();
    batonFailure(b.mutex("busy").acquire(Duration.ofMillis(300)), ErrorCode.OPERATION_TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300))
        .isLessThan(Duration.ofSeconds(3));
    String heldNode = held.path().substring("/baton/locks/busy/".length());
    await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
        assertThat(contenders("/baton/locks/busy")).containsExactly(heldNode));
    // try-once acquire (timeout 0) fails at once while held
    batonFailure(b.mutex("busy").acquire(Duration.ZERO), ErrorCode.OPERATION_TIMEOUT);
    await(holder.release());
    // the timed-out contenders do not hold the lock: the next one gets it at once
    LockGrant g = await(b.mutex("busy").acquire(Duration.ZERO));
    assertThat(g.token()).isGreaterThan(held.token());
  }

  @Test
  void pendingAcquireCanBeCancelled() throws Exception {
    Lock holder = session().mutex("c");
    Recipes b = session();
    assertThat(await(b.mutex("c").cancel())).isFalse();
    await(holder.acquire(LONG));
    Future<LockGrant> waiting = b.mutex("c").acquire(LONG);
    await().atMost(Duration.ofSeconds(3)).until(() -> contenders("/baton/locks/c").size() == 2);
    assertThat(await(b.mutex("c").cancel())).isTrue();
    batonFailure(waiting, ErrorCode.OPERATION_TIMEOUT);
    await().atMost(Duration.ofSeconds(3)).until(() -> contenders("/baton/locks/c").size() == 1);
    await(holder.release());
    Thread.sleep(100);
    assertThat(waiting.failed()).isTrue();
    assertThat(await(holder.holders())).isEmpty();
    batonFailure(b.mutex("c").release(), ErrorCode.NOT_HOLDER);
  }

  @Test
  void holderWhoseSessionExpiresLosesTheLockToTheNextWaiter() throws Exception {
    RecipeSupport.Doomed doomed = RecipeSupport.doomed(vertx);
    clients.add(RecipeSupport.client(vertx));
    LockGrant dead = await(Recipes.of(doomed.client()).mutex("x").acquire(LONG));
    Lock waiter = Recipes.of(clients.get(0)).mutex("x");
    Future<LockGrant> next = waiter.acquire(LONG);
    pending(next, 300); // the doomed session is alive (heartbeating): it keeps the lock
    long t0 = System.nanoTime();
    doomed.cut();
    LockGrant g = await(next, 5_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(ms).as("granted %d ms after the holder went silent", ms)
        .isLessThan(RecipeSupport.SESSION_TIMEOUT_MS + 1_500L);
    assertThat(g.token()).isGreaterThan(dead.token());
    JsonArray holders = await(waiter.holders());
    assertThat(holders).hasSize(1);
    assertThat(holders.getJsonObject(0).getString("path")).isEqualTo(g.path());
    assertThat(holders.getJsonObject(0).getString("session"))
        .isEqualTo(io.baton.vertx.api.Protocol.hex(clients.get(0).sessionId()));
  }

  @Test
  void readersShareWritersExcludeAndReadersQueueBehindAWaitingWriter() throws Exception {
    Recipes r1 = session();
    Recipes r2 = session();
    Recipes w1 = session();
    Recipes r3 = session();
    Recipes w2 = session();
    LockGrant read1 = await(r1.readLock("rw").acquire(LONG));
    LockGrant read2 = await(r2.readLock("rw").acquire(LONG));
    assertThat(await(r1.readLock("rw").holders())).hasSize(2);

    Future<LockGrant> write1 = w1.writeLock("rw").acquire(LONG);
    pending(write1, 200);
    Future<LockGrant> read3 = r3.readLock("rw").acquire(LONG); // behind the waiting writer
    pending(read3, 200);
    await(r1.readLock("rw").release());
    pending(write1, 150);
    await(r2.readLock("rw").release());
    LockGrant w = await(write1);
    assertThat(w.token()).isGreaterThan(Math.max(read1.token(), read2.token()));

    Future<LockGrant> write2 = w2.writeLock("rw").acquire(LONG);
    Future<LockGrant> read4 = r1.readLock("rw").acquire(LONG);
    pending(write2, 200);
    assertThat(read3.isComplete()).isFalse();
    assertThat(read4.isComplete()).isFalse();
    JsonArray holders = await(w1.writeLock("rw").holders());
    assertThat(holders).hasSize(1);
    assertThat(holders.getJsonObject(0).getString("path")).isEqualTo(w.path());

    await(w1.writeLock("rw").release());
    LockGrant r = await(read3); // queued before the second writer
    assertThat(r.token()).isGreaterThan(w.token());
    pending(write2, 150);
    assertThat(read4.isComplete()).isFalse(); // behind write2
    await(r3.readLock("rw").release());
    LockGrant w2g = await(write2);
    assertThat(w2g.token()).isGreaterThan(r.token());
    pending(read4, 150);
    await(w2.writeLock("rw").release());
    assertThat(await(read4).token()).isGreaterThan(w2g.token());
  }

  @Test
  void writeLockIsReentrantAndExcludesOtherWriters() throws Exception {
    Recipes a = session();
    Recipes b = session();
    await(a.writeLock("w").acquire(LONG));
    assertThat(await(a.writeLock("w").acquire(LONG)).holds()).isEqualTo(2);
    Future<LockGrant> other = b.writeLock("w").acquire(LONG);
    Future<LockGrant> reader = b.readLock("w").acquire(LONG);
    pending(other, 200);
    assertThat(await(a.writeLock("w").release())).isEqualTo(1);
    pending(other, 150);
    assertThat(reader.isComplete()).isFalse();
    assertThat(await(a.writeLock("w").release())).isZero();
    await(other);
    pending(reader, 150);
    await(b.writeLock("w").release());
    await(reader);
  }

  @Test
  void semaphoreNeverHasMoreHoldersThanPermits() throws Exception {
    int workers = 6;
    List<Recipes> sessions = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      sessions.add(session());
    }
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    parallel(workers, w -> () -> {
      Lock sem = sessions.get(w).semaphore("pool", 3);
      for (int i = 0; i < 8; i++) {
        LockGrant lease = await(sem.acquire(LONG));
        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        Thread.sleep(15);
        inside.decrementAndGet();
        assertThat(await(sem.release(lease))).isZero();
      }
      return null;
    });
    assertThat(maxInside.get()).isEqualTo(3);
  }

  @Test
  void semaphoreLeasesOfOneSessionAndWaiters() throws Exception {
    Recipes a = session();
    Recipes b = session();
    Lock sem = a.semaphore("two", 2);
    LockGrant l1 = await(sem.acquire(LONG));
    LockGrant l2 = await(sem.acquire(LONG));
    assertThat(l2.path()).isNotEqualTo(l1.path());
    Future<LockGrant> third = b.semaphore("two", 2).acquire(LONG);
    pending(third, 200);
    assertThat(await(sem.holders())).hasSize(2);
    assertThat(await(sem.release(l2))).isZero();
    LockGrant l3 = await(third);
    assertThat(l3.token()).isGreaterThan(l2.token());
    batonFailure(sem.release(l2), ErrorCode.NOT_HOLDER);
    assertThat(await(sem.release())).isZero(); // the session's remaining lease (l1)
    batonFailure(sem.release(), ErrorCode.NOT_HOLDER);
    JsonArray holders = await(sem.holders());
    assertThat(holders).hasSize(1);
    assertThat(holders.getJsonObject(0).getString("path")).isEqualTo(l3.path());
  }

  @Test
  void invalidUseIsRejected() throws Exception {
    Recipes a = session();
    Recipes b = session();
    await(a.mutex("m").acquire(LONG));
    batonFailure(b.mutex("m").release(), ErrorCode.NOT_HOLDER); // not the owner
    assertThat(await(a.mutex("m").holders())).hasSize(1);
    assertThat(await(a.mutex("m").release())).isZero();
    batonFailure(a.mutex("m").release(), ErrorCode.NOT_HOLDER); // released twice
    batonFailure(a.mutex("never").release(), ErrorCode.NOT_HOLDER);

    batonFailure(a.semaphore("s", 0).acquire(LONG), ErrorCode.BAD_ARGUMENTS);
    batonFailure(a.semaphore("s", -2).acquire(LONG), ErrorCode.BAD_ARGUMENTS);
    await(a.semaphore("s", 3).acquire(LONG));
    batonFailure(b.semaphore("s", 2).acquire(LONG), ErrorCode.BAD_ARGUMENTS);
    assertThat(await(b.semaphore("s", 3).acquire(LONG))).isNotNull();

    batonFailure(a.mutex("a/b").acquire(LONG), ErrorCode.BAD_ARGUMENTS);
    batonFailure(a.mutex("").acquire(LONG), ErrorCode.BAD_ARGUMENTS);
    batonFailure(a.readLock("a/b").acquire(LONG), ErrorCode.BAD_ARGUMENTS);
    batonFailure(a.mutex("a/b").release(), ErrorCode.BAD_ARGUMENTS);
    batonFailure(clients.get(0).request(new JsonObject().put("op", "lock.acquire").put("kind", "spinlock")
        .put("name", "m")), ErrorCode.BAD_ARGUMENTS);
    // nothing was created for the rejected requests
    assertThat(contenders("/baton/locks")).doesNotContain("a");
  }
}
