package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.core.session.SessionTable;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner thread is never held for a whole snapshot: a capture of a large tree ends its first
 * turn with a timer for the next slice, the tree changes between slices, and the snapshot written
 * still holds the tree as it was when it was taken. Driven by hand: every owner task, timer firing
 * and worker task runs when the test says.
 */
class SnapshotterSliceTest {
  @TempDir
  Path dir;

  private final Queue<Runnable> blocking = new ArrayDeque<>();
  private final List<Runnable> timers = new ArrayList<>();

  @Test
  void aLargeTreeIsCapturedOverManySlicesWhileItChanges() throws Exception {
    DataTree tree = new DataTree();
    long zxid = 1L << 32;
    tree.create("/n", new byte[0], 0, 1, ++zxid, 0);
    for (int i = 0; i < 200_000; i++) {
      tree.create("/n/" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), 0, i + 1, ++zxid, 0);
    }
    long taken = zxid;
    long expected = tree.digest();
    List<Object> outcome = new ArrayList<>();
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
      SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
      Snapshotter snapshotter = new Snapshotter(CoordinatorConfig.defaults(dir), scheduler(), store, log, tree,
          new SessionTable(), List.of(), () -> false, () -> NodeObserver.NONE);

      snapshotter.take(taken, (z, e) -> outcome.add(e == null ? z : e));
      assertThat(blocking).as("nothing handed to the writer after the first slice").isEmpty();
      assertThat(timers).as("a timer for the next slices").hasSize(1);

      int slices = 1;
      while (blocking.isEmpty()) {
        // a client's writes between two slices
        tree.setData("/n/" + slices, new byte[] {1}, 1, ++zxid, 1);
        tree.delete("/n/" + (199_999 - slices), ++zxid);
        tree.create("/n/new-" + slices, new byte[0], 0, 200_000 + slices, ++zxid, 0);
        timers.get(0).run();
        slices++;
      }
      assertThat(slices).isGreaterThan(2);
      blocking.poll().run();
      assertThat(outcome).containsExactly(taken);
      assertThat(SnapshotStore.load(store.file(taken)).tree().digest()).isEqualTo(expected);
      assertThat(tree.digest()).as("the tree did change").isNotEqualTo(expected);
    }
  }

  @Test
  void aCaptureCutShortByAnInstalledSnapshotFailsAndTheNextSnapshotWorks() throws Exception {
    DataTree tree = new DataTree();
    long zxid = 1L << 32;
    tree.create("/n", new byte[0], 0, 1, ++zxid, 0);
    for (int i = 0; i < 100_000; i++) {
      tree.create("/n/" + i, new byte[100], 0, i + 1, ++zxid, 0);
    }
    List<Object> outcome = new ArrayList<>();
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
      SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
      Snapshotter snapshotter = new Snapshotter(CoordinatorConfig.defaults(dir), scheduler(), store, log, tree,
          new SessionTable(), List.of(), () -> false, () -> NodeObserver.NONE);
      snapshotter.take(zxid, (z, e) -> outcome.add(e == null ? z : e));
      assertThat(timers).hasSize(1);

      DataTree installed = new DataTree(); // a snapshot from the leader replaces the whole tree
      installed.create("/other", new byte[0], 0, 1, zxid + 10, 0);
      tree.replaceWith(installed);
      timers.get(0).run();
      assertThat(timers).as("the capture's timer is cancelled").isEmpty();
      assertThat(blocking).isEmpty();
      assertThat(outcome).singleElement().isInstanceOf(io.baton.core.error.BatonException.class);

      outcome.clear();
      snapshotter.take(zxid + 10, (z, e) -> outcome.add(e == null ? z : e));
      while (blocking.isEmpty()) {
        timers.get(0).run();
      }
      blocking.poll().run();
      assertThat(outcome).containsExactly(zxid + 10);
      assertThat(SnapshotStore.load(store.file(zxid + 10)).tree().get("/other")).isNotNull();
    }
  }

  @Test
  void closingTheNodeAbandonsARunningCapture() throws Exception {
    DataTree tree = new DataTree();
    long zxid = 1L << 32;
    tree.create("/n", new byte[0], 0, 1, ++zxid, 0);
    for (int i = 0; i < 100_000; i++) {
      tree.create("/n/" + i, new byte[100], 0, i + 1, ++zxid, 0);
    }
    boolean[] closed = {false};
    List<Object> outcome = new ArrayList<>();
    try (ChronicleTxnLog log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults())) {
      Snapshotter snapshotter = new Snapshotter(CoordinatorConfig.defaults(dir), scheduler(),
          new SnapshotStore(dir.resolve("snapshots")), log, tree, new SessionTable(), List.of(), () -> closed[0],
          () -> NodeObserver.NONE);
      snapshotter.take(zxid, (z, e) -> outcome.add(e == null ? z : e));
      closed[0] = true;
      timers.get(0).run();
      assertThat(timers).isEmpty();
      assertThat(outcome).singleElement().isInstanceOf(io.baton.core.error.BatonException.class);
      // the tree no longer keeps records for it: a new capture may start
      assertThat(SnapshotStore.capture(zxid, tree, new SessionTable()).length()).isPositive();
    }
  }

  private Scheduler scheduler() {
    return new Scheduler() {
      private final Queue<Runnable> owner = new ArrayDeque<>();

      @Override
      public void runOnOwner(Runnable task) {
        owner.add(task);
        if (owner.size() == 1) {
          while (!owner.isEmpty()) {
            owner.peek().run();
            owner.poll();
          }
        }
      }

      @Override
      public void runBlocking(Runnable task) {
        blocking.add(task);
      }

      @Override
      public AutoCloseable periodic(long periodMs, Runnable task) {
        timers.add(task);
        return () -> timers.remove(task);
      }

      @Override
      public long now() {
        return System.currentTimeMillis();
      }
    };
  }
}
