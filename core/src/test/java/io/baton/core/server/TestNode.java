package io.baton.core.server;

import io.baton.core.error.BatonException;
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
  public final Coordinator coordinator;

  public TestNode(CoordinatorConfig config) throws Exception {
    Scheduler scheduler = new Scheduler() {
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
    });
    call(() -> {
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
    return new String(read(0, () -> coordinator.getData(0, path, false)).data());
  }

  public io.baton.core.tree.Stat stat(String path) {
    return read(0, () -> coordinator.exists(0, path, false));
  }

  public StateDigest digest() {
    return call(coordinator::digest);
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
