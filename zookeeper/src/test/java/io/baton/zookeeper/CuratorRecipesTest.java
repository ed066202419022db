package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.queue.SimpleDistributedQueue;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.VersionedValue;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.CreateMode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Curator 5.9's other recipes against a Baton node, several clients each: a double barrier, a
 * queue taken exactly once, a shared counter under contention, CuratorCache and PersistentWatcher
 * (persistent recursive watches) across a node restart, and a PersistentNode that keeps its ephemeral.
 */
class CuratorRecipesTest {
  @TempDir
  Path dir;
  private ZkNode node;
  private Curators curators;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir);
    curators = new Curators(node);
  }

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    curators.close();
    node.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDoubleBarrierLetsAllInThenAllOut() throws Exception {
    List<Future<Boolean>> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      DistributedDoubleBarrier barrier = new DistributedDoubleBarrier(curators.client(), "/barriers/batch", 3);
      members.add(pool.submit(() -> barrier.enter(20, TimeUnit.SECONDS) && barrier.leave(20, TimeUnit.SECONDS)));
    }
    for (Future<Boolean> m : members) {
      assertThat(m.get(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aQueueHandsEachItemToExactlyOneConsumer() throws Exception {
    SimpleDistributedQueue producer = new SimpleDistributedQueue(curators.client(), "/queues/jobs");
    List<String> taken = Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> consumers = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      SimpleDistributedQueue consumer = new SimpleDistributedQueue(curators.client(), "/queues/jobs");
      consumers.add(pool.submit(() -> {
        byte[] item;
        while ((item = consumer.poll(2, TimeUnit.SECONDS)) != null) {
          taken.add(new String(item, StandardCharsets.UTF_8));
        }
        return null;
      }));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(producer.offer(bytes("job-" + i))).isTrue();
    }
    for (Future<?> c : consumers) {
      c.get(30, TimeUnit.SECONDS);
    }
    assertThat(taken).hasSize(20).doesNotHaveDuplicates();
    assertThat(new HashSet<>(taken)).hasSize(20);
  }

  @Test
  void aSharedCountCountsEveryIncrementOfEveryClient() throws Exception {
    List<SharedCount> counts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SharedCount count = new SharedCount(curators.client(), "/counters/orders", 0);
      count.start();
      counts.add(count);
    }
    List<Future<?>> writers = new ArrayList<>();
    for (SharedCount count : counts) {
      writers.add(pool.submit(() -> {
        for (int i = 0; i < 10; i++) {
          while (true) {
            VersionedValue<Integer> v = count.getVersionedValue();
            if (count.trySetCount(v, v.getValue() + 1)) {
              break;
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> w : writers) {
      w.get(60, TimeUnit.SECONDS);
    }
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> counts.stream().allMatch(c -> c.getCount() == 30));
    for (SharedCount c : counts) {
      c.close();
    }
  }

  @Test
  void cachesAndPersistentWatchersFollowTheTreeAcrossANodeRestart() throws Exception {
    CuratorFramework writer = curators.client();
    CuratorFramework reader = curators.client();
    writer.create().creatingParentsIfNeeded().forPath("/config/app", bytes("v1"));
    BlockingQueue<String> watched = new LinkedBlockingQueue<>();
    try (CuratorCache cache = CuratorCache.build(reader, "/config");
         PersistentWatcher watcher = new PersistentWatcher(reader, "/config", true)) {
      cache.listenable().addListener(CuratorCacheListener.builder().build());
      cache.start();
      watcher.getListenable().addListener(e -> watched.add(e.getType() + " " + e.getPath()));
      watcher.start();
      Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> cache.get("/config/app")
          .map(d -> new String(d.getData(), StandardCharsets.UTF_8).equals("v1")).orElse(false));
      writer.create().forPath("/config/app/db", bytes("pg"));
      assertThat(watched.poll(10, TimeUnit.SECONDS)).isEqualTo("NodeCreated /config/app/db");

      node = node.restart();
      // as in ZooKeeper, persistent watches are set again on reconnecting but miss what changed before:
      // change the tree once the reader is back (its setWatches2 precedes its first request)
      assertThat(reader.checkExists().forPath("/config")).isNotNull();
      writer.setData().forPath("/config/app", bytes("v2"));
      Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> cache.get("/config/app")
          .map(d -> new String(d.getData(), StandardCharsets.UTF_8).equals("v2")).orElse(false));
      Set<String> after = new HashSet<>();
      Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> {
        String e = watched.poll(100, TimeUnit.MILLISECONDS);
        if (e != null) {
          after.add(e);
        }
        return after.contains("NodeDataChanged /config/app");
      });
      writer.delete().forPath("/config/app/db");
      Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> cache.get("/config/app/db").isEmpty());
      assertThat(cache.stream().map(d -> d.getPath())).containsExactlyInAnyOrder("/config", "/config/app");
    }
  }

  @Test
  void aPersistentNodeKeepsItsEphemeralThroughARestartAndADelete() throws Exception {
    CuratorFramework owner = curators.client();
    CuratorFramework other = curators.client();
    try (PersistentNode member = new PersistentNode(owner, CreateMode.EPHEMERAL, false, "/members/node-1",
        bytes("10.0.0.7"))) {
      member.start();
      assertThat(member.waitForInitialCreate(10, TimeUnit.SECONDS)).isTrue();
      long session = owner.getZookeeperClient().getZooKeeper().getSessionId();
      assertThat(other.checkExists().forPath("/members/node-1").getEphemeralOwner()).isEqualTo(session);

      node = node.restart();
      Awaitility.await().atMost(20, TimeUnit.SECONDS).ignoreExceptions()
          .until(() -> other.checkExists().forPath("/members/node-1") != null);
      assertThat(owner.getZookeeperClient().getZooKeeper().getSessionId()).as("the session resumed").isEqualTo(session);

      other.delete().forPath("/members/node-1");
      Awaitility.await().atMost(10, TimeUnit.SECONDS).ignoreExceptions()
          .until(() -> other.checkExists().forPath("/members/node-1") != null);
    }
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> other.checkExists().forPath("/members/node-1") == null);
  }
}
