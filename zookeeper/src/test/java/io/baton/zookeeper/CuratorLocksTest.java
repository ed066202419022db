package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Curator 5.9's locks against a Baton node through its ZooKeeper port, several clients at once:
 * a mutex held across a restart of the node excludes everyone until released, a read-write lock
 * shares reads and excludes writes, a semaphore never hands out more leases than it has.
 */
class CuratorLocksTest {
  @TempDir
  Path dir;
  private ZkNode node;
  private Curators curators;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    curators.close();
    node.close();
  }

  private void start() throws Exception {
    node = ZkNode.start(dir);
    curators = new Curators(node);
  }

  @Test
  void aMutexExcludesEveryoneAndItsHolderKeepsItAcrossANodeRestart() throws Exception {
    start();
    List<CuratorFramework> clients = List.of(curators.client(), curators.client(), curators.client());
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (CuratorFramework c : clients) {
      InterProcessMutex mutex = new InterProcessMutex(c, "/locks/ledger");
      workers.add(pool.submit(() -> {
        for (int i = 0; i < 10; i++) {
          assertThat(mutex.acquire(30, TimeUnit.SECONDS)).isTrue();
          try {
            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
            Thread.sleep(2);
            done.incrementAndGet();
          } finally {
            holders.decrementAndGet();
            mutex.release();
          }
        }
        return null;
      }));
    }
    for (Future<?> w : workers) {
      w.get(60, TimeUnit.SECONDS);
    }
    assertThat(done).hasValue(30);
    assertThat(maxHolders).as("never two holders").hasValue(1);

    // the holder keeps the lock through a restart of the node: its session, and its lock node, resume
    InterProcessMutex held = new InterProcessMutex(clients.get(0), "/locks/ledger");
    assertThat(held.acquire(10, TimeUnit.SECONDS)).isTrue();
    node = node.restart();
    InterProcessMutex other = new InterProcessMutex(clients.get(1), "/locks/ledger");
    assertThat(other.acquire(2, TimeUnit.SECONDS)).as("still held after the restart").isFalse();
    assertThat(held.isAcquiredInThisProcess()).isTrue();
    held.release();
    assertThat(other.acquire(20, TimeUnit.SECONDS)).as("handed over once released").isTrue();
    other.release();
  }

  @Test
  void aReadWriteLockSharesReadsAndExcludesWrites() throws Exception {
    start();
    InterProcessReadWriteLock a = new InterProcessReadWriteLock(curators.client(), "/locks/rw");
    InterProcessReadWriteLock b = new InterProcessReadWriteLock(curators.client(), "/locks/rw");
    InterProcessReadWriteLock c = new InterProcessReadWriteLock(curators.client(), "/locks/rw");
    assertThat(a.readLock().acquire(10, TimeUnit.SECONDS)).isTrue();
    assertThat(b.readLock().acquire(10, TimeUnit.SECONDS)).as("readers share").isTrue();
    assertThat(c.writeLock().acquire(1, TimeUnit.SECONDS)).as("a writer waits for readers").isFalse();
    a.readLock().release();
    b.readLock().release();
    assertThat(c.writeLock().acquire(10, TimeUnit.SECONDS)).isTrue();
    assertThat(a.readLock().acquire(1, TimeUnit.SECONDS)).as("readers wait for the writer").isFalse();
    c.writeLock().release();
    assertThat(a.readLock().acquire(10, TimeUnit.SECONDS)).isTrue();
    a.readLock().release();
  }

  @Test
  void aSemaphoreNeverHandsOutMoreLeasesThanItHas() throws Exception {
    start();
    AtomicInteger inUse = new AtomicInteger();
    AtomicInteger maxInUse = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(4);
    for (int i = 0; i < 4; i++) {
      InterProcessSemaphoreV2 semaphore = new InterProcessSemaphoreV2(curators.client(), "/semaphores/db", 2);
      pool.submit(() -> {
        for (int round = 0; round < 5; round++) {
          Lease lease = semaphore.acquire(30, TimeUnit.SECONDS);
          assertThat(lease).isNotNull();
          maxInUse.accumulateAndGet(inUse.incrementAndGet(), Math::max);
          Thread.sleep(5);
          inUse.decrementAndGet();
          semaphore.returnLease(lease);
        }
        finished.countDown();
        return null;
      });
    }
    assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(maxInUse.get()).as("at most 2 leases at once").isBetween(1, 2);
  }
}
