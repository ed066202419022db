package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.LogOptions;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.SetDataTxn;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a lone node's log syncs run: an idle sync of a few writes on the owner thread (no hand-offs),
 * back-to-back or large ones on a worker, and none on the owner for a while after one there was slow.
 * The test thread plays the owner; worker and owner tasks are queued and run by the test.
 */
class LogSyncerTest {
  @TempDir
  Path dir;
  private ChronicleTxnLog log;
  private final Queue<Runnable> workerTasks = new ArrayDeque<>();
  private final Queue<Runnable> ownerTasks = new ArrayDeque<>();
  private final List<Long> durable = new ArrayList<>();
  private final List<String> syncThreads = new ArrayList<>();
  private long zxid;

  @BeforeEach
  void openLog() throws Exception {
    log = ChronicleTxnLog.open(dir.resolve("log"), LogOptions.defaults());
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  private LogSyncer syncer(long stallNanos) {
    return syncer(stallNanos, true);
  }

  private LogSyncer syncer(long stallNanos, boolean backToBack) {
    Scheduler scheduler = new Scheduler() {
      @Override
      public void runOnOwner(Runnable task) {
        ownerTasks.add(task);
      }

      @Override
      public void runBlocking(Runnable task) {
        workerTasks.add(task);
      }

      @Override
      public AutoCloseable periodic(long periodMs, Runnable task) {
        throw new UnsupportedOperationException();
      }

      @Override
      public long now() {
        return System.currentTimeMillis();
      }
    };
    NodeObserver observer = new NodeObserver() {
      @Override
      public void logSynced(String log, long nanos) {
        syncThreads.add(Thread.currentThread().getName());
      }
    };
    return new LogSyncer(log, scheduler, durable::add, () -> observer, stallNanos, backToBack);
  }

  private long append(int writes) {
    for (int i = 0; i < writes; i++) {
      zxid++;
      log.append(new LogEntry(zxid, 0L, new SetDataTxn("/n", ByteBuffer.wrap(new byte[100]), (int) zxid)));
    }
    return zxid;
  }

  /** Runs the queued worker tasks on a thread of their own, then the owner tasks they queued. */
  private void runWorkerThenOwner() throws InterruptedException {
    Thread worker = new Thread(() -> {
      while (!workerTasks.isEmpty()) {
        workerTasks.poll().run();
      }
    }, "test-worker");
    worker.start();
    worker.join();
    while (!ownerTasks.isEmpty()) {
      ownerTasks.poll().run();
    }
  }

  @Test
  void anIdleSyncOfAFewWritesRunsOnTheOwnerAndAnswersAtOnce() {
    LogSyncer syncer = syncer(SyncPlacement.DEFAULT_STALL_NANOS);
    syncer.start(append(1), true);
    assertThat(durable).containsExactly(1L);
    assertThat(syncThreads).containsExactly(Thread.currentThread().getName());
    assertThat(workerTasks).isEmpty();
    assertThat(syncer.inFlight()).isFalse();

    syncer.start(append(3), true);
    assertThat(durable).containsExactly(1L, 4L);
    assertThat(workerTasks).isEmpty();
  }

  @Test
  void backToBackAndLargeSyncsRunOnAWorker() throws Exception {
    LogSyncer syncer = syncer(SyncPlacement.DEFAULT_STALL_NANOS);
    syncer.start(append(1), false);
    assertThat(durable).isEmpty();
    assertThat(syncer.inFlight()).isTrue();
    syncer.start(append(1), false);
    assertThat(workerTasks).as("one sync at a time").hasSize(1);
    runWorkerThenOwner();
    assertThat(durable).as("the worker synced the write appended during its first sync right after it")
        .containsExactly(1L, 2L);
    assertThat(syncThreads).containsExactly("test-worker", "test-worker");
    assertThat(syncer.inFlight()).isFalse();

    syncer.start(append(40), true);
    assertThat(durable).as("42 writes: not on the owner").containsExactly(1L, 2L);
    runWorkerThenOwner();
    assertThat(durable).containsExactly(1L, 2L, 42L);
    assertThat(syncThreads).containsExactly("test-worker", "test-worker", "test-worker");
  }

  @Test
  void withAGroupCommitPauseAWorkerSyncsOnceAndTheOwnerStartsTheNext() throws Exception {
    LogSyncer syncer = syncer(SyncPlacement.DEFAULT_STALL_NANOS, false);
    syncer.start(append(1), false);
    append(1);
    runWorkerThenOwner();
    assertThat(durable).containsExactly(1L);
    assertThat(syncThreads).containsExactly("test-worker");
    assertThat(syncer.inFlight()).isFalse();
  }

  @Test
  void aSlowSyncOnTheOwnerSendsTheNextOnesToAWorker() throws Exception {
    LogSyncer syncer = syncer(0); // every sync is "slower" than 0 ns
    syncer.start(append(1), true);
    assertThat(durable).containsExactly(1L);
    assertThat(syncThreads).containsExactly(Thread.currentThread().getName());

    syncer.start(append(1), true);
    assertThat(durable).containsExactly(1L);
    runWorkerThenOwner();
    assertThat(durable).containsExactly(1L, 2L);
    assertThat(syncThreads).containsExactly(Thread.currentThread().getName(), "test-worker");
  }
}
