package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Curator 5.9's leader election against a Baton node: one LeaderLatch leads, across a restart of
 * the node too, and leadership hands over when its client goes; LeaderSelectors take turns, never two
 * at once, also while the leading one is closed.
 */
class CuratorLeadershipTest {
  @TempDir
  Path dir;
  private ZkNode node;
  private Curators curators;
  private final List<LeaderLatch> latches = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir);
    curators = new Curators(node);
  }

  @AfterEach
  void stop() throws Exception {
    for (LeaderLatch l : latches) {
      if (l.getState() == LeaderLatch.State.STARTED) {
        l.close();
      }
    }
    curators.close();
    node.close();
  }

  private static long leaders(List<LeaderLatch> latches) {
    return latches.stream().filter(l -> l.getState() == LeaderLatch.State.STARTED && l.hasLeadership()).count();
  }

  @Test
  void oneLatchLeadsAcrossARestartAndLeadershipHandsOverWhenItsClientGoes() throws Exception {
    List<CuratorFramework> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CuratorFramework c = curators.client();
      clients.add(c);
      LeaderLatch latch = new LeaderLatch(c, "/election/scheduler", "candidate-" + i);
      latches.add(latch);
      latch.start();
    }
    Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> leaders(latches) == 1);
    LeaderLatch first = latches.stream().filter(LeaderLatch::hasLeadership).findFirst().orElseThrow();
    assertThat(latches.get(1).getLeader().getId()).isEqualTo(first.getId());

    node = node.restart();
    // sessions resume, so the lowest candidate node is the same one: the same latch leads again
    Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> leaders(latches) == 1 && first.hasLeadership());

    int firstIndex = latches.indexOf(first);
    first.close();
    clients.get(firstIndex).close();
    Awaitility.await().atMost(15, TimeUnit.SECONDS).until(() -> leaders(latches) == 1);
    LeaderLatch next = latches.stream().filter(l -> l.getState() == LeaderLatch.State.STARTED && l.hasLeadership())
        .findFirst().orElseThrow();
    assertThat(next).isNotSameAs(first);
  }

  @Test
  void selectorsTakeTurnsAndNeverLeadTogether() throws Exception {
    AtomicInteger leading = new AtomicInteger();
    AtomicInteger maxLeading = new AtomicInteger();
    List<String> turns = new CopyOnWriteArrayList<>();
    AtomicBoolean hold = new AtomicBoolean();
    AtomicReference<String> holding = new AtomicReference<>();
    AtomicInteger interrupted = new AtomicInteger();
    List<LeaderSelector> selectors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = "selector-" + i;
      LeaderSelector s = new LeaderSelector(curators.client(), "/election/selector", new LeaderSelectorListenerAdapter() {
        @Override
        public void takeLeadership(CuratorFramework client) throws Exception {
          maxLeading.accumulateAndGet(leading.incrementAndGet(), Math::max);
          try {
            turns.add(id);
            if (hold.get()) {
              holding.set(id);
              Thread.sleep(30_000);
            } else {
              Thread.sleep(50);
            }
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            throw e;
          } finally {
            // close() interrupts the leader's sleep; it has left once this returns or throws, and only then
            // does its selector release the lock to the next
            leading.decrementAndGet();
          }
        }
      });
      s.autoRequeue();
      selectors.add(s);
      s.start();
    }
    Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> turns.size() >= 9);
    // the next leader holds on; closing its selector interrupts it, the others take over and never overlap
    hold.set(true);
    String held = Awaitility.await().atMost(20, TimeUnit.SECONDS).until(holding::get, java.util.Objects::nonNull);
    LeaderSelector leader = selectors.get(Integer.parseInt(held.substring("selector-".length())));
    hold.set(false);
    leader.close();
    Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> interrupted.get() == 1);
    int closedAt = turns.size();
    Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> turns.size() >= closedAt + 4);
    selectors.stream().filter(s -> s != leader).forEach(LeaderSelector::close);
    assertThat(maxLeading).as("never two leaders").hasValue(1);
    assertThat(turns.subList(0, 9)).as("each took its turn").contains("selector-0", "selector-1", "selector-2");
  }
}
