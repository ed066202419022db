package io.baton.core.server;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.WatchEvent;
import io.baton.schemas.log.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A coordinator on real threads for tests: a single-threaded owner executor, a blocking pool, a
 * real Chronicle Queue in a temp directory, and blocking helpers that run calls on the owner thread.
 * The clock can be moved forward to trigger session expiry and TTLs without sleeping.
 */
public final class TestNode implements AutoCloseable {
  public final ScheduledExecutorService owner = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-owner");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService blocking = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "baton-blocking");
    t.setDaemon(true);
    return t;
  });
  public final AtomicLong clockOffset = new AtomicLong();
  public final List<long[]> watchSessions = Collections.synchronizedList(new ArrayList<>());
  public final List<WatchEvent> watchEvents = Collections.synchronizedList(new ArrayList<>());
  public final List<ChangeEvent> changes = Collections.synchronizedList(new ArrayList<>());
  /** Sessions reported ended by the listener: {sessionId, expired ? 1 : 0}. */
  public final List<long[]> endedSessions = Collections.synchronizedList(new ArrayList<>());
  public final Coordinator coordinator;
  public final Scheduler scheduler;

  public TestNode(CoordinatorConfig config) throws Exception {
    this(config, 0);
  }

  /** A node whose clock starts {@code initialClockOffsetMs} ahead (simulates downtime before a restart). */
  public TestNode(CoordinatorConfig config, long initialClockOffsetMs) throws Exception {
    this(config, initialClockOffsetMs, node -> {
    });
  }

  /** A node on which {@code beforeStart} runs (on the owner thread) after recovery, before the coordinator starts. */
  public TestNode(CoordinatorConfig config, long initialClockOffsetMs, java.util.function.Consumer<TestNode> beforeStart)
      throws Exception {
    clockOffset.set(initialClockOffsetMs);
    this.scheduler = new Scheduler() {
      @Override
      public void runOnOwner(Runnable task) {
        owner.execute(task);
      }

      @Override
      public void runBlocking(Runnable task) {
        blocking.execute(task);
      }

      @Override
      public AutoCloseable periodic(long periodMs, Runnable task) {
        ScheduledFuture<?> f = owner.scheduleAtFixedRate(task, periodMs, periodMs, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      }

      @Override
      public long now() {
        return System.currentTimeMillis() + clockOffset.get();
      }
    };
    this.coordinator = Coordinator.open(config, scheduler);
    coordinator.addListener(new CoordinatorListener() {
      @Override
      public void watchEvent(long sessionId, WatchEvent event) {
        watchSessions.add(new long[] {sessionId});
        watchEvents.add(event);
      }

      @Override
      public void committed(LogEntry entry, List<ChangeEvent> events) {
        changes.addAll(events);
      }

      @Override
      public void sessionEnded(long sessionId, boolean expired) {
        endedSessions.add(new long[] {sessionId, expired ? 1 : 0});
      }
    });
    call(() -> {
      beforeStart.accept(this);
      coordinator.start();
      return null;
    });
  }

  public static CoordinatorConfig config(Path dir) {
    return CoordinatorConfig.defaults(dir).withTickMs(20);
  }

  /** Runs a plain call on the owner thread and waits. */
  public <T> T call(Supplier<T> body) {
    try {
      return CompletableFuture.supplyAsync(body, owner).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs an asynchronous coordinator call on the owner thread and waits for its completion. */
  public <T> T await(java.util.function.Consumer<Completion<T>> call) {
    CompletableFuture<T> f = new CompletableFuture<>();
    owner.execute(() -> call.accept((r, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(r);
      }
    }));
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BatonException be) {
        throw be;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public List<OpResult> submit(long session, Command command) {
    return await(c -> coordinator.submit(session, command, c));
  }

  public long openSession(int timeoutMs) {
    return this.<OpResult.SessionOpened>await(c -> coordinator.openSession(timeoutMs, c)).sessionId();
  }

  public String create(long session, String path, String data, CreateMode mode) {
    List<OpResult> r = submit(session, new Op.Create(path, data == null ? null : data.getBytes(), mode, 0, false));
    return ((OpResult.Created) r.get(r.size() - 1)).path();
  }

  public String create(String path, String data) {
    return create(0, path, data, CreateMode.PERSISTENT);
  }

  public io.baton.core.tree.Stat setData(String path, String data, int version) {
    return ((OpResult.DataSet) submit(0, new Op.SetData(path, data.getBytes(), version)).get(0)).stat();
  }

  public void delete(String path, int version) {
    submit(0, new Op.Delete(path, version));
  }

  public <T> T read(long session, Supplier<T> read) {
    return await(c -> coordinator.read(session, read, c));
  }

  public String data(String path) {
    return new String(read(0, () -> coordinator.reads().getData(0, path, false)).data());
  }

  public io.baton.core.tree.Stat stat(String path) {
    return read(0, () -> coordinator.reads().exists(0, path, false));
  }

  public StateDigest digest() {
    return call(coordinator::digest);
  }

  public String create(long session, String path, String data, CreateMode mode, long ttl) {
    List<OpResult> r = submit(session, new Op.Create(path, data == null ? null : data.getBytes(), mode, ttl, false));
    return ((OpResult.Created) r.get(r.size() - 1)).path();
  }

  /** Creates a persistent node and returns the stat of the create's result. */
  public io.baton.core.tree.Stat submitCreate(String path, String data) {
    List<OpResult> r = submit(0, new Op.Create(path, data.getBytes(), CreateMode.PERSISTENT, 0, false));
    return ((OpResult.Created) r.get(0)).stat();
  }

  public io.baton.core.tree.Stat setData(long session, String path, String data, int version) {
    return ((OpResult.DataSet) submit(session, new Op.SetData(path, data.getBytes(), version)).get(0)).stat();
  }

  public void delete(long session, String path, int version) {
    submit(session, new Op.Delete(path, version));
  }

  public void closeSession(long session) {
    this.<Void>await(c -> coordinator.closeSession(session, c));
  }

  public int heartbeat(long session) {
    return this.<Integer>await(c -> coordinator.heartbeat(session, c));
  }

  public boolean exists(String path) {
    return stat(path) != null;
  }

  public List<String> children(String path) {
    return read(0, () -> coordinator.reads().getChildren(0, path, false)).names();
  }

  public boolean sessionOpen(long session) {
    return call(() -> coordinator.digest().sessions().containsKey(session));
  }

  public long lastApplied() {
    return call(coordinator::lastApplied);
  }

  /** What a refused request must leave untouched: applied zxid, logged zxid and the state digest. */
  public record Mark(long lastApplied, long lastLogged, StateDigest digest) {
  }

  public Mark mark() {
    return call(() -> new Mark(coordinator.lastApplied(), coordinator.log().lastZxid(), coordinator.digest()));
  }

  /** Watch events delivered to one session, in order. */
  public List<WatchEvent> events(long session) {
    List<WatchEvent> out = new ArrayList<>();
    synchronized (watchEvents) {
      for (int i = 0; i < watchEvents.size(); i++) {
        if (watchSessions.get(i)[0] == session) {
          out.add(watchEvents.get(i));
        }
      }
    }
    return out;
  }

  /** Change events of one zxid, in order. */
  public List<ChangeEvent> changesAt(long zxid) {
    synchronized (changes) {
      return changes.stream().filter(c -> c.zxid() == zxid).toList();
    }
  }

  /** Polls {@code condition} on the owner thread until it holds (fails after 10 s). */
  public void awaitTrue(Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!call(condition)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Lets the periodic tick run several times (for asserting that something does NOT happen). */
  public void letTicksRun() {
    int tick = coordinator.config().tickMs();
    try {
      Thread.sleep(Math.max(100, tick * 6L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    call(() -> null); // drain the owner queue
  }

  /** The error code a call fails with; fails the test if it succeeds or throws something else. */
  public static ErrorCode errorOf(Runnable call) {
    try {
      call.run();
    } catch (BatonException e) {
      return e.code();
    }
    throw new AssertionError("expected a BatonException");
  }

  @Override
  public void close() {
    try {
      call(() -> {
        coordinator.close();
        return null;
      });
    } finally {
      owner.shutdownNow();
      blocking.shutdownNow();
    }
  }
}
