package io.baton.vertx.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for cluster tests: pipelined creates of {@code /load/w<id>-<n>} through one client, keeping
 * {@code inFlight} requests outstanding. Records every acknowledged path; writes answered with
 * ConnectionLoss / NotReady / a timeout have an unknown outcome and are retried as new writes;
 * any other error is kept as a failure.
 */
final class Writers {
  final Set<String> acked = ConcurrentHashMap.newKeySet();
  final List<Throwable> failures = new CopyOnWriteArrayList<>();
  final AtomicInteger unknown = new AtomicInteger();
  /** Time (nanoTime) of the first acknowledgement of a write issued after {@link #mark()}; 0 until then. */
  final AtomicLong firstAckAfterMark = new AtomicLong();
  final AtomicInteger acksAfterMark = new AtomicInteger();
  private final Vertx vertx;
  private final CoordinationClient client;
  private final String prefix;
  private final AtomicLong seq = new AtomicLong();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicInteger running = new AtomicInteger();
  private volatile long mark = Long.MAX_VALUE;

  Writers(Vertx vertx, CoordinationClient client, String id, int inFlight) {
    this.vertx = vertx;
    this.client = client;
    this.prefix = "/load/w" + id + "-";
    for (int i = 0; i < inFlight; i++) {
      running.incrementAndGet();
      next();
    }
  }

  /** From now on, count acknowledgements of newly issued writes separately. */
  void mark() {
    mark = System.nanoTime();
  }

  private void next() {
    if (stopped.get()) {
      running.decrementAndGet();
      return;
    }
    long n = seq.incrementAndGet();
    long issued = System.nanoTime();
    String path = prefix + n;
    client.create(path, ("v" + n).getBytes(StandardCharsets.UTF_8), CreateMode.PERSISTENT).onComplete(r -> {
      if (r.succeeded()) {
        acked.add(r.result());
        if (issued > mark) {
          firstAckAfterMark.compareAndSet(0, System.nanoTime());
          acksAfterMark.incrementAndGet();
        }
        next();
        return;
      }
      Throwable t = r.cause();
      ErrorCode code = t instanceof BatonException be ? be.code() : null;
      if (code == ErrorCode.CONNECTION_LOSS || code == ErrorCode.NOT_READY || code == ErrorCode.OPERATION_TIMEOUT) {
        unknown.incrementAndGet();
        vertx.setTimer(20, id -> next());
      } else {
        failures.add(t);
        running.decrementAndGet();
      }
    });
  }

  /**
   * Waits until {@code writers} together have {@code atLeast} acknowledged writes (counting only
   * those issued after {@link #mark()} if {@code afterMark}), failing at once on any failure.
   */
  static void awaitAcks(List<Writers> writers, int atLeast, boolean afterMark, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      int n = 0;
      for (Writers w : writers) {
        n += afterMark ? w.acksAfterMark.get() : w.acked.size();
        assertThat(w.failures).isEmpty();
      }
      if (n >= atLeast) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("fewer than " + atLeast + " acknowledged writes in " + timeoutMs / 1000 + " s");
      }
      Thread.sleep(20);
    }
  }

  /** Asserts that the node {@code c} is connected to holds every write {@code writers} had acknowledged. */
  static void assertHoldsEveryAcknowledged(CoordinationClient c, int node, List<Writers> writers) throws Exception {
    Set<String> acked = new HashSet<>();
    writers.forEach(w -> acked.addAll(w.acked));
    Set<String> present = new HashSet<>();
    for (String name : ClusterProcesses.await(c.getChildren("/load", false)).names()) {
      present.add("/load/" + name);
    }
    assertThat(present).as("node %d holds every acknowledged write", node).containsAll(acked);
  }

  /** Stops issuing and waits (bounded) for the writes in flight to finish. */
  void stop() throws InterruptedException {
    stopped.set(true);
    long deadline = System.currentTimeMillis() + 60_000;
    while (running.get() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }
}
