package io.baton.vertx.impl;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Requests held until the node has applied their {@code minZxid}, at most {@code max} of them. They
 * are ordered by {@code minZxid} (released from the front, removed on time-out in O(log n)) and by
 * deadline (every request waits the same time, so arrival order is deadline order); one timer, for
 * the earliest deadline, times them out in batches. Owner thread (the coordinator's context) only.
 */
final class ParkedRequests {
  /** Requests timed out by one timer run, at most; more due ones are left to the next run, 1 ms later. */
  private static final int EXPIRE_BATCH = 500;
  private static final Comparator<Parked> BY_ZXID =
      Comparator.comparingLong((Parked p) -> p.minZxid).thenComparingLong(p -> p.seq);

  private final Vertx vertx;
  private final long waitMs;
  private final int max;
  private final Consumer<Parked> timedOut;
  private final TreeSet<Parked> byZxid = new TreeSet<>(BY_ZXID);
  private final LinkedHashSet<Parked> byDeadline = new LinkedHashSet<>();
  private long seq;
  private long timer = -1;
  private boolean refusing;

  /** A parked request; identity equality. */
  static final class Parked {
    final long minZxid;
    final long seq;
    final long deadlineNanos;
    final Message<Object> message;
    final JsonObject request;

    private Parked(long minZxid, long seq, long deadlineNanos, Message<Object> message, JsonObject request) {
      this.minZxid = minZxid;
      this.seq = seq;
      this.deadlineNanos = deadlineNanos;
      this.message = message;
      this.request = request;
    }
  }

  /**
   * Requests wait at most {@code waitMs}, then go to {@code timedOut}; at most {@code max} wait at
   * once.
   */
  ParkedRequests(Vertx vertx, long waitMs, int max, Consumer<Parked> timedOut) {
    this.vertx = vertx;
    this.waitMs = waitMs;
    this.max = max;
    this.timedOut = timedOut;
  }

  /** Parks a request; false (nothing parked) if {@link #max} already wait. */
  boolean park(long minZxid, Message<Object> message, JsonObject request) {
    if (byDeadline.size() >= max) {
      return false;
    }
    refusing = false;
    Parked p = new Parked(minZxid, seq++, System.nanoTime() + waitMs * 1_000_000L, message, request);
    byZxid.add(p);
    byDeadline.add(p);
    if (timer < 0) {
      arm(p);
    }
    return true;
  }

  /** Whether some request waits for a zxid at or below {@code applied}. */
  boolean anyReached(long applied) {
    return !byZxid.isEmpty() && byZxid.first().minZxid <= applied;
  }

  /** Removes every request whose {@code minZxid} is at or below {@code applied} and hands it to {@code serve}. */
  void release(long applied, Consumer<Parked> serve) {
    while (anyReached(applied)) {
      Parked p = byZxid.pollFirst();
      byDeadline.remove(p);
      serve.accept(p);
    }
    if (byDeadline.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** After {@link #park} refused: whether it is the first refusal since a request was last parked. */
  boolean firstRefusal() {
    boolean first = !refusing;
    refusing = true;
    return first;
  }

  int size() {
    return byDeadline.size();
  }

  int max() {
    return max;
  }

  private void arm(Parked earliest) {
    long delayMs = Math.max(1, (earliest.deadlineNanos - System.nanoTime() + 999_999) / 1_000_000);
    timer = vertx.setTimer(delayMs, t -> expire());
  }

  /** Times out the due requests, at most {@link #EXPIRE_BATCH} per run so other work interleaves. */
  private void expire() {
    timer = -1;
    long now = System.nanoTime();
    Iterator<Parked> it = byDeadline.iterator();
    for (int n = 0; it.hasNext(); n++) {
      Parked p = it.next();
      if (n == EXPIRE_BATCH || p.deadlineNanos - now > 0) {
        arm(p);
        return;
      }
      it.remove();
      byZxid.remove(p);
      timedOut.accept(p);
    }
  }
}
