package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.core.session.SessionTable;
import io.baton.core.snapshot.ImageSink;
import io.baton.core.snapshot.ImageWriter;
import io.baton.core.snapshot.Images;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.tree.DataTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The owner thread is never held for a whole snapshot: a capture of a large tree ends its first
 * turn with a timer for the next slice, the tree changes between slices, and the snapshot written
 * still holds the tree as it was when it was taken. The image goes to its file as it is captured,
 * never far ahead of the writer. Driven by hand: every owner task, timer firing
 * and worker task runs when the test says.
 */
class SnapshotterSliceTest {
  @TempDir
  Path dir;

  private final Queue<Runnable> blocking = new ArrayDeque<>();
  /** When set, worker tasks run on it at once instead of waiting in {@link #blocking}. */
  private ExecutorService workers;
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Object> outcome = new ArrayList<>();
  private ChronicleTxnLog log;
  private SnapshotStore store;
  private long zxid = 1L << 32;

  @BeforeEach
  void open() throws Exception {
    log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults());
    store = new SnapshotStore(dir.resolve("snapshots"));
  }

  @AfterEach
  void close() {
    log.close();
  }

  @Test
  void aLargeTreeIsCapturedOverManySlicesWhileItChanges() throws Exception {
    DataTree tree = tree(200_000);
    long taken = zxid;
    long expected = tree.digest();
    Snapshotter snapshotter = snapshotter(tree, () -> false);

    snapshotter.take(taken, this::done);
    assertThat(timers).as("a timer for the next slices").hasSize(1);
    List<BatonException> refused = new ArrayList<>();
    snapshotter.take(taken, (z, e) -> refused.add(e)); // a second snapshot while the first is captured
    assertThat(refused).singleElement().extracting(BatonException::code).isEqualTo(ErrorCode.NOT_READY);
    int slices = 1;
    while (outcome.isEmpty()) {
      // a client's writes between two slices
      tree.setData("/n/" + slices, new byte[] {1}, 1, ++zxid, 1);
      tree.delete("/n/" + (199_999 - slices), ++zxid);
      tree.create("/n/new-" + slices, new byte[0], 0, 200_000 + slices, ++zxid, 0);
      List.copyOf(timers).forEach(Runnable::run);
      runWorkers();
      slices++;
    }
    assertThat(slices).isGreaterThan(2);
    assertThat(outcome).containsExactly(taken);
    assertThat(SnapshotStore.load(store.file(taken)).tree().digest()).isEqualTo(expected);
    assertThat(tree.digest()).as("the tree did change").isNotEqualTo(expected);
    assertThat(temp(taken)).doesNotExist();
  }

  @Test
  void theCapturePausesWhileTheWriterIsBehind() throws Exception {
    DataTree tree = tree(200_000); // an image of about 12 MB
    long taken = zxid;
    Snapshotter snapshotter = snapshotter(tree, () -> false);
    snapshotter.take(taken, this::done);
    for (int i = 0; i < 200; i++) { // without the pause, these slices would capture the whole tree
      List.copyOf(timers).forEach(Runnable::run);
    }
    assertThat(blocking).as("one worker task writes the chunks handed over").hasSize(1);
    blocking.poll().run();
    assertThat(Files.size(temp(taken))).as("written before the capture paused")
        .isLessThanOrEqualTo((ImageWriter.IN_FLIGHT + 1L) * ImageSink.CHUNK);

    assertThat(written(taken).digest()).isEqualTo(tree.digest());
  }

  @Test
  void aFailedWriteEndsTheCaptureAndTheNextSnapshotWorks() throws Exception {
    DataTree tree = tree(100_000);
    Snapshotter snapshotter = snapshotter(tree, () -> false);
    snapshotter.take(zxid, this::done);
    while (blocking.isEmpty()) { // until the first chunk is handed over
      timers.get(0).run();
    }
    Files.delete(store.dir()); // the worker cannot create the file
    runWorkers();
    timers.get(0).run();
    assertThat(timers).as("the capture ended").isEmpty();
    assertThat(outcome).singleElement().isInstanceOf(BatonException.class);
    runWorkers();

    outcome.clear();
    Files.createDirectories(store.dir());
    snapshotter.take(zxid, this::done);
    assertThat(written(zxid).digest()).isEqualTo(tree.digest());
  }

  @Test
  void aCaptureCutShortByAnInstalledSnapshotFailsAndTheNextSnapshotWorks() throws Exception {
    DataTree tree = tree(100_000);
    Snapshotter snapshotter = snapshotter(tree, () -> false);
    snapshotter.take(zxid, this::done);
    assertThat(timers).hasSize(1);

    DataTree installed = new DataTree(); // a snapshot from the leader replaces the whole tree
    installed.create("/other", new byte[0], 0, 1, zxid + 10, 0);
    tree.replaceWith(installed);
    timers.get(0).run();
    assertThat(timers).as("the capture's timer is cancelled").isEmpty();
    assertThat(outcome).singleElement().isInstanceOf(BatonException.class);
    List<BatonException> refused = new ArrayList<>();
    snapshotter.take(zxid + 10, (z, e) -> refused.add(e));
    assertThat(refused).as("until the abandoned file is gone").singleElement()
        .extracting(BatonException::code).isEqualTo(ErrorCode.NOT_READY);
    runWorkers();
    assertThat(temp(zxid)).doesNotExist();

    outcome.clear();
    snapshotter.take(zxid + 10, this::done);
    assertThat(written(zxid + 10).get("/other")).isNotNull();
  }

  @Test
  void closingTheNodeAbandonsARunningCapture() {
    DataTree tree = tree(100_000);
    boolean[] closed = {false};
    Snapshotter snapshotter = snapshotter(tree, () -> closed[0]);
    snapshotter.take(zxid, this::done);
    closed[0] = true;
    timers.get(0).run();
    assertThat(timers).isEmpty();
    assertThat(outcome).singleElement().isInstanceOf(BatonException.class);
    runWorkers();
    assertThat(temp(zxid)).doesNotExist();
    // the tree no longer keeps records for it: a new capture may start
    assertThat(Images.capture(zxid, tree, new SessionTable()).length()).isPositive();
  }

  @Test
  void closingTheNodeEndsTheCaptureAndWaitsForItsFileToGo() throws Exception {
    workers = Executors.newSingleThreadExecutor(); // file work on a thread of its own, as in a node
    try {
      DataTree tree = tree(200_000);
      Snapshotter snapshotter = snapshotter(tree, () -> false);
      snapshotter.take(zxid, this::done);
      while (!Files.exists(temp(zxid))) {
        timers.get(0).run();
      }
      snapshotter.close();
      assertThat(timers).as("the capture's timer is cancelled").isEmpty();
      assertThat(outcome).singleElement().isInstanceOf(BatonException.class);
      assertThat(temp(zxid)).as("removed before close returned").doesNotExist();
      assertThat(store.list()).isEmpty();
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void recoveryRemovesTheTempFileOfASnapshotLeftUnfinished() throws Exception {
    Path left = temp(zxid);
    Files.write(left, new byte[] {1, 2, 3}); // a node killed while writing it
    store.removeUnfinished();
    assertThat(left).doesNotExist();
  }

  /** Runs the capture's slices and the worker tasks until the snapshot at {@code taken} is answered; its tree. */
  private DataTree written(long taken) throws Exception {
    while (outcome.isEmpty()) {
      List.copyOf(timers).forEach(Runnable::run);
      runWorkers();
    }
    assertThat(outcome).containsExactly(taken);
    return SnapshotStore.load(store.file(taken)).tree();
  }

  /** Runs the worker tasks queued so far, and those they queue. */
  private void runWorkers() {
    while (!blocking.isEmpty()) {
      blocking.poll().run();
    }
  }

  private Path temp(long zxid) {
    Path file = store.file(zxid);
    return file.resolveSibling(file.getFileName() + ".tmp");
  }

  /** {@code /n} with {@code children} small children, zxids from {@link #zxid} on. */
  private DataTree tree(int children) {
    DataTree tree = new DataTree();
    tree.create("/n", new byte[0], 0, 1, ++zxid, 0);
    for (int i = 0; i < children; i++) {
      tree.create("/n/" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), 0, i + 1, ++zxid, 0);
    }
    return tree;
  }

  private Snapshotter snapshotter(DataTree tree, BooleanSupplier closed) {
    return new Snapshotter(CoordinatorConfig.defaults(dir), scheduler(), store, log, tree, new SessionTable(),
        List.of(), closed, () -> NodeObserver.NONE);
  }

  private void done(Long zxid, BatonException error) {
    outcome.add(error == null ? zxid : error);
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
        if (workers != null) {
          workers.execute(task);
        } else {
          blocking.add(task);
        }
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
