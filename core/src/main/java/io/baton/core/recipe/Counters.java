package io.baton.core.recipe;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Shared counters at {@code /baton/counters/<name>} (decimal text), updated by compare-and-set. */
final class Counters {
  private final Coordinator coordinator;
  private final Reads reads;

  Counters(Coordinator coordinator) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
  }

  static String path(String name) {
    return Names.ROOT + "/counters/" + Names.check(name, "counter");
  }

  long get(String name) {
    String p = path(name);
    return reads.exists(0, p, false) == null ? 0 : value(p);
  }

  private long value(String p) {
    try {
      return Long.parseLong(new String(reads.getData(0, p, false).data(), StandardCharsets.UTF_8).trim());
    } catch (NumberFormatException e) {
      throw BatonException.badArguments(p + " does not hold a number");
    }
  }

  /** Adds {@code delta}; completes with the new value. */
  CompletableFuture<Long> add(long session, String name, long delta) {
    String p;
    try {
      p = path(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    return update(session, p, current -> Math.addExact(current, delta));
  }

  /**
   * Sets to {@code update} if the value is {@code expect}; completes with {swapped (1/0), value after}.
   */
  CompletableFuture<long[]> compareAndSet(long session, String name, long expect, long update) {
    String p;
    try {
      p = path(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    Stat stat = reads.exists(0, p, false);
    long current = stat == null ? 0 : value(p);
    if (current != expect) {
      return CompletableFuture.completedFuture(new long[] {0, current});
    }
    return write(session, p, stat, update).handle((r, t) -> {
      if (t == null) {
        return CompletableFuture.completedFuture(new long[] {1, update});
      }
      if (conflict(t)) {
        return compareAndSet(session, name, expect, update);
      }
      return Async.<long[]>failed(Async.cause(t));
    }).thenCompose(x -> x);
  }

  private CompletableFuture<Long> update(long session, String p, java.util.function.LongUnaryOperator f) {
    Stat stat = reads.exists(0, p, false);
    long current = stat == null ? 0 : value(p);
    long next;
    try {
      next = f.applyAsLong(current);
    } catch (ArithmeticException e) {
      return Async.failed(BatonException.badArguments("counter overflow"));
    }
    return write(session, p, stat, next).handle((r, t) -> {
      if (t == null) {
        return CompletableFuture.completedFuture(next);
      }
      if (conflict(t)) {
        return update(session, p, f);
      }
      return Async.<Long>failed(Async.cause(t));
    }).thenCompose(x -> x);
  }

  private CompletableFuture<?> write(long session, String p, Stat stat, long value) {
    byte[] data = Long.toString(value).getBytes(StandardCharsets.UTF_8);
    Op op = stat == null ? new Op.Create(p, data, CreateMode.PERSISTENT, 0, true)
        : new Op.SetData(p, data, stat.version());
    return Async.submit(coordinator, session, op);
  }

  private static boolean conflict(Throwable t) {
    ErrorCode c = Async.cause(t).code();
    return c == ErrorCode.BAD_VERSION || c == ErrorCode.NODE_EXISTS || c == ErrorCode.NO_NODE;
  }
}
