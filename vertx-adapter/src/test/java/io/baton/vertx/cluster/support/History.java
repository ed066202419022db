package io.baton.vertx.cluster.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A thread-safe record of operations on per-key registers, for {@link LinearizabilityChecker}.
 * Call {@link #invoke} just before sending a request and {@code complete}/{@link #unknown} once its
 * outcome is known; timestamps are taken inside these calls, so each recorded interval contains the
 * real one. An operation never completed nor marked unknown counts as unknown at check time.
 */
public final class History {
  /** An operation on one key's register; values are strings, {@code null} meaning absent. */
  public sealed interface Op {
    /** Reads the register; completed with the value read. */
    static Op read() {
      return new Read();
    }

    /** Sets the register ({@code null} deletes); always succeeds, completed with {@link #complete(long)}. */
    static Op write(String value) {
      return new Write(value);
    }

    /** Sets the register to {@code value} iff it holds {@code expected}; completed with whether it did. */
    static Op cas(String expected, String value) {
      return new Cas(expected, value);
    }

    /** See {@link Op#read()}. */
    record Read() implements Op {
    }

    /** See {@link Op#write(String)}. */
    record Write(String value) implements Op {
    }

    /** See {@link Op#cas(String, String)}. */
    record Cas(String expected, String value) implements Op {
    }
  }

  enum Status { PENDING, DONE, UNKNOWN }

  /** One recorded operation; {@code returnNs} is meaningful only when {@code status} is DONE. */
  record Operation(long id, String key, Op op, String process, long invokeNs, long returnNs, Status status,
      String readValue, boolean casOk) {
    Operation done(long at, String value, boolean ok) {
      return new Operation(id, key, op, process, invokeNs, at, Status.DONE, value, ok);
    }

    Operation unknown() {
      return new Operation(id, key, op, process, invokeNs, 0, Status.UNKNOWN, null, false);
    }
  }

  private final LongSupplier clock;
  private final List<Operation> operations = new ArrayList<>();

  /** A history timed by {@link System#nanoTime()}. */
  public History() {
    this(System::nanoTime);
  }

  /** A history timed by {@code clock} (nanoseconds), for tests that build histories by hand. */
  History(LongSupplier clock) {
    this.clock = clock;
  }

  /** Records the invocation of {@code op} on {@code key} by the calling thread; returns its id. */
  public synchronized long invoke(String key, Op op) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(op, "op");
    long id = operations.size();
    operations.add(new Operation(id, key, op, Thread.currentThread().getName(), clock.getAsLong(), 0,
        Status.PENDING, null, false));
    return id;
  }

  /** Completes a write. */
  public synchronized void complete(long id) {
    complete(id, Op.Write.class, null, false);
  }

  /** Completes a read with the value it returned ({@code null} = absent). */
  public synchronized void complete(long id, String readValue) {
    complete(id, Op.Read.class, readValue, false);
  }

  /** Completes a compare-and-set with whether it took effect. */
  public synchronized void complete(long id, boolean casOk) {
    complete(id, Op.Cas.class, null, casOk);
  }

  /**
   * Marks an operation whose outcome is unknown (timeout, connection loss): it may take effect at
   * any time after its invocation, or never.
   */
  public synchronized void unknown(long id) {
    operations.set((int) id, pending(id).unknown());
  }

  /** Number of recorded operations. */
  public synchronized int size() {
    return operations.size();
  }

  synchronized List<Operation> operations() {
    return List.copyOf(operations);
  }

  private void complete(long id, Class<? extends Op> kind, String value, boolean ok) {
    Operation op = pending(id);
    if (!kind.isInstance(op.op())) {
      throw new IllegalArgumentException("operation " + id + " is a " + op.op() + ", not a "
          + kind.getSimpleName());
    }
    operations.set((int) id, op.done(clock.getAsLong(), value, ok));
  }

  private Operation pending(long id) {
    if (id < 0 || id >= operations.size()) {
      throw new IllegalArgumentException("unknown operation id " + id);
    }
    Operation op = operations.get((int) id);
    if (op.status() != Status.PENDING) {
      throw new IllegalStateException("operation " + id + " already " + op.status());
    }
    return op;
  }
}
