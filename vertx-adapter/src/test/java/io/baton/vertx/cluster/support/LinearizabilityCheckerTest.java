package io.baton.vertx.cluster.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.vertx.cluster.support.History.Op;
import io.baton.vertx.cluster.support.LinearizabilityChecker.Result;
import io.baton.vertx.cluster.support.LinearizabilityChecker.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearizabilityCheckerTest {
  private final AtomicLong clock = new AtomicLong();
  private final History h = new History(clock::get);

  // Hand-built operations: [start, end] in clock ticks; start alone = unknown outcome.

  private void write(String key, String value, long start, long end) {
    long id = at(start, () -> h.invoke(key, Op.write(value)));
    clock.set(end);
    h.complete(id);
  }

  private void read(String key, String value, long start, long end) {
    long id = at(start, () -> h.invoke(key, Op.read()));
    clock.set(end);
    h.complete(id, value);
  }

  private void cas(String key, String expected, String value, boolean ok, long start, long end) {
    long id = at(start, () -> h.invoke(key, Op.cas(expected, value)));
    clock.set(end);
    h.complete(id, ok);
  }

  private void unknown(String key, Op op, long start) {
    h.unknown(at(start, () -> h.invoke(key, op)));
  }

  private long at(long time, LongSupplier action) {
    clock.set(time);
    return action.getAsLong();
  }

  private Result check() {
    return LinearizabilityChecker.check(h);
  }

  private void assertLinearizable() {
    Result r = check();
    assertThat(r.ok()).as(r::description).isTrue();
  }

  private Result assertViolation(String key) {
    Result r = check();
    assertThat(r.verdict()).as(r::description).isEqualTo(Verdict.VIOLATION);
    assertThat(r.key()).isEqualTo(key);
    return r;
  }

  @Test
  void emptyHistoryIsLinearizable() {
    assertLinearizable();
  }

  @Test
  void sequentialHistoryIsLinearizable() {
    read("k", null, 0, 1);
    write("k", "a", 2, 3);
    read("k", "a", 4, 5);
    cas("k", "a", "b", true, 6, 7);
    cas("k", "a", "c", false, 8, 9);
    read("k", "b", 10, 11);
    write("k", null, 12, 13);
    read("k", null, 14, 15);
    cas("k", null, "d", true, 16, 17);
    read("k", "d", 18, 19);
    assertLinearizable();
  }

  @Test
  void overlappingOperationsPassWhenSomeOrderExists() {
    write("k", "a", 0, 10);
    write("k", "b", 1, 11);
    read("k", "a", 2, 12); // b, a: the later-invoked write took effect first
    read("k", "a", 13, 14);
    cas("k", "a", "c", true, 15, 30);
    read("k", "a", 16, 31); // before the CAS
    read("k", "c", 17, 18); // after it, although it completes first
    assertLinearizable();
  }

  @Test
  void conflictingReadsAfterConcurrentWritesAreAViolation() {
    write("k", "a", 0, 10);
    write("k", "b", 1, 11);
    read("k", "a", 12, 13); // order b, a ...
    read("k", "b", 14, 15); // ... then b again: impossible
    assertViolation("k");
  }

  @Test
  void staleReadIsAViolation() {
    write("k", "a", 0, 1);
    write("k", "b", 2, 3);
    read("k", "a", 4, 5);
    Result r = assertViolation("k");
    assertThat(r.description()).contains("read() -> \"a\"").contains("write(\"b\")");
  }

  @Test
  void lostAcknowledgedWriteIsAViolation() {
    write("k", "a", 0, 1);
    write("k", "b", 2, 3);
    read("k", "b", 4, 5);
    read("k", "a", 10, 11); // e.g. after a failover that rolled b back
    assertViolation("k");
  }

  @Test
  void twoSuccessfulCasFromTheSameValueAreAViolation() {
    write("k", "0", 0, 1);
    cas("k", "0", "1", true, 2, 10);
    cas("k", "0", "2", true, 3, 11);
    assertViolation("k");
  }

  @Test
  void oneWinningCasIsLinearizable() {
    write("k", "0", 0, 1);
    cas("k", "0", "1", true, 2, 10);
    cas("k", "0", "2", false, 3, 11);
    read("k", "1", 12, 13);
    assertLinearizable();
  }

  @Test
  void failedCasWithNothingToExplainItIsAViolation() {
    write("k", "0", 0, 1);
    cas("k", "0", "1", false, 2, 3);
    assertViolation("k");
  }

  @Test
  void readOfAValueNeverWrittenIsAViolation() {
    write("k", "a", 0, 1);
    read("k", "ghost", 2, 3);
    assertViolation("k");
  }

  @Test
  void readOfAValueBeforeItsWriteWasInvokedIsAViolation() {
    read("k", "a", 0, 1);
    write("k", "a", 2, 3);
    assertViolation("k");
  }

  @Test
  void unknownWriteThatShowsUpLaterIsLinearizable() {
    write("k", "a", 0, 1);
    unknown("k", Op.write("b"), 2);
    read("k", "a", 10, 11);
    read("k", "b", 100, 101);
    read("k", "b", 200, 201);
    assertLinearizable();
  }

  @Test
  void unknownWriteThatNeverShowsUpIsLinearizable() {
    write("k", "a", 0, 1);
    unknown("k", Op.write("b"), 2);
    read("k", "a", 10, 11);
    read("k", "a", 100, 101);
    assertLinearizable();
  }

  @Test
  void unknownWriteTakesEffectAtMostOnce() {
    write("k", "a", 0, 1);
    unknown("k", Op.write("b"), 2);
    read("k", "b", 10, 11);
    read("k", "a", 20, 21);
    read("k", "b", 30, 31);
    assertViolation("k");
  }

  @Test
  void unknownWriteCannotTakeEffectBeforeItsInvocation() {
    read("k", "b", 0, 1);
    unknown("k", Op.write("b"), 2);
    assertViolation("k");
  }

  @Test
  void unknownCasTakesEffectOnlyFromItsExpectedValue() {
    write("k", "a", 0, 1);
    unknown("k", Op.cas("a", "b"), 2);
    read("k", "b", 10, 11);
    unknown("k", Op.cas("x", "c"), 12);
    read("k", "c", 20, 21);
    Result r = assertViolation("k");
    assertThat(r.description()).contains("cas(\"x\", \"c\") -> unknown");
  }

  @Test
  void unknownReadsAndPendingOperationsAreUnconstrained() {
    write("k", "a", 0, 1);
    unknown("k", Op.read(), 2);
    clock.set(3);
    h.invoke("k", Op.write("b")); // never completed
    read("k", "b", 10, 11);
    assertLinearizable();
  }

  @Test
  void keysAreCheckedIndependentlyAndTheViolatingOneIsNamed() {
    write("a", "1", 0, 1);
    write("b", "1", 0, 1);
    read("a", "1", 2, 3); // would be stale if both were one register
    write("b", "2", 4, 5);
    read("b", "1", 6, 7);
    Result r = assertViolation("b");
    assertThat(r.description()).startsWith("key \"b\" is not linearizable");
  }

  @Test
  void recordingErrorsAreRejected() {
    long w = h.invoke("k", Op.write("a"));
    assertThatThrownBy(() -> h.complete(w, "a")).isInstanceOf(IllegalArgumentException.class);
    h.complete(w);
    assertThatThrownBy(() -> h.complete(w)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> h.unknown(42)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentRecordingFromManyThreads() throws Exception {
    History real = new History();
    AtomicReference<String> register = new AtomicReference<>();
    int threads = 8;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int client = t;
      Thread worker = new Thread(() -> {
        Random rnd = new Random(client);
        for (int i = 0; i < 300; i++) {
          if (rnd.nextBoolean()) {
            long id = real.invoke("k", Op.read());
            real.complete(id, register.get());
          } else {
            String v = client + "-" + i;
            long id = real.invoke("k", Op.write(v));
            register.set(v);
            real.complete(id);
          }
        }
      }, "client-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(real.size()).isEqualTo(threads * 300);
    Result r = LinearizabilityChecker.check(real);
    assertThat(r.ok()).as(r::description).isTrue();
  }

  @Test
  void timeoutGivesNoVerdict() {
    Result r = LinearizabilityChecker.check(new Simulation(1, 4, 200, 1, 0.0).history(), Duration.ZERO);
    assertThat(r.verdict()).isEqualTo(Verdict.TIMEOUT);
    assertThat(r.ok()).isFalse();
  }

  @Test
  void manyUnknownWritesOfUnreadValuesDoNotBlowUp() {
    // 8 clients; every other write times out and is never read, and the history ends in a violation,
    // so the search is exhaustive; the failed CASes keep the 400 unknown writes from being dropped.
    long t = 0;
    for (int round = 0; round < 100; round++, t += 100) {
      for (int c = 0; c < 8; c++) {
        String v = "r" + round + "c" + c;
        if (c % 2 == 0) {
          unknown("k", Op.write(v), t + c);
        } else {
          write("k", v, t + c, t + 50 + c);
        }
      }
      read("k", "r" + round + "c7", t + 60, t + 61);
      cas("k", "r" + round + "c7", "x", false, t + 62, t + 63); // an unknown write may explain it
    }
    read("k", "r0c7", t, t + 1);
    long began = System.nanoTime();
    assertViolation("k");
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void simulatedLinearizableRegisterPassesAndOneCorruptedReadFails(long seed) {
    Simulation sim = new Simulation(seed, 8, 500, 3, 0.02);
    History history = sim.history();
    long began = System.nanoTime();
    Result r = LinearizabilityChecker.check(history);
    long passMs = (System.nanoTime() - began) / 1_000_000;
    assertThat(r.ok()).as(r::description).isTrue();

    SimOp stale = sim.corruptOneRead();
    History corrupted = sim.history();
    began = System.nanoTime();
    Result bad = LinearizabilityChecker.check(corrupted);
    long failMs = (System.nanoTime() - began) / 1_000_000;
    assertThat(bad.verdict()).as(bad::description).isEqualTo(Verdict.VIOLATION);
    assertThat(bad.key()).isEqualTo(stale.key);
    System.out.printf("seed %d: %d ops (%d unknown), linearizable in %d ms; corrupted read %s detected in %d ms%n",
        seed, sim.ops.size(), sim.ops.stream().filter(o -> o.unknown).count(), passMs, stale.describe(), failMs);
    assertThat(passMs + failMs).isLessThan(10_000);
  }

  @Test
  void agreesWithBruteForceOnSmallRandomHistories() {
    Random rnd = new Random(42);
    String[] values = {null, "a", "b"};
    int violations = 0;
    for (int round = 0; round < 20_000; round++) {
      History small = new History(clock::get);
      for (int i = 0, n = 1 + rnd.nextInt(7); i < n; i++) {
        long start = rnd.nextInt(20);
        int kind = rnd.nextInt(3);
        Op op = kind == 0 ? Op.read() : kind == 1 ? Op.write(values[rnd.nextInt(3)])
            : Op.cas(values[rnd.nextInt(3)], values[rnd.nextInt(3)]);
        long id = at(start, () -> small.invoke("k", op));
        clock.set(start + rnd.nextInt(10));
        if (rnd.nextInt(4) == 0) {
          small.unknown(id);
        } else if (kind == 0) {
          small.complete(id, values[rnd.nextInt(3)]);
        } else if (kind == 1) {
          small.complete(id);
        } else {
          small.complete(id, rnd.nextBoolean());
        }
      }
      Result r = LinearizabilityChecker.check(small);
      boolean expected = BruteForce.linearizable(small.operations());
      assertThat(r.ok()).as(() -> "brute force says " + expected + " for " + small.operations() + "\n" + r)
          .isEqualTo(expected);
      violations += expected ? 0 : 1;
    }
    assertThat(violations).isBetween(2_000, 18_000);
  }

  /** Tries every subset of unknown-outcome operations in every real-time-respecting order. */
  private static final class BruteForce {
    static boolean linearizable(List<History.Operation> all) {
      List<History.Operation> ops = all.stream()
          .filter(o -> o.status() == History.Status.DONE || !(o.op() instanceof Op.Read)).toList();
      List<Integer> unknown = new ArrayList<>();
      for (int i = 0; i < ops.size(); i++) {
        if (ops.get(i).status() != History.Status.DONE) {
          unknown.add(i);
        }
      }
      for (int subset = 0; subset < 1 << unknown.size(); subset++) {
        List<History.Operation> chosen = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
          int u = unknown.indexOf(i);
          if (u < 0 || (subset & 1 << u) != 0) {
            chosen.add(ops.get(i));
          }
        }
        if (search(chosen, new boolean[chosen.size()], chosen.size(), null)) {
          return true;
        }
      }
      return false;
    }

    private static boolean search(List<History.Operation> ops, boolean[] done, int left, String state) {
      if (left == 0) {
        return true;
      }
      for (int i = 0; i < ops.size(); i++) {
        History.Operation o = ops.get(i);
        if (done[i] || !minimal(ops, done, o)) {
          continue;
        }
        boolean definite = o.status() == History.Status.DONE;
        String next;
        if (o.op() instanceof Op.Read) {
          next = Objects.equals(state, o.readValue()) ? state : "\0";
        } else if (o.op() instanceof Op.Write w) {
          next = w.value();
        } else {
          Op.Cas c = (Op.Cas) o.op();
          boolean matches = Objects.equals(state, c.expected());
          // An included unknown CAS applies if it can; excluding it covers its failure.
          next = !definite || o.casOk() ? (matches ? c.value() : definite ? "\0" : state)
              : (matches ? "\0" : state);
        }
        if (!"\0".equals(next)) {
          done[i] = true;
          boolean found = search(ops, done, left - 1, next);
          done[i] = false;
          if (found) {
            return true;
          }
        }
      }
      return false;
    }

    /** No other pending operation returned before {@code o} was invoked. */
    private static boolean minimal(List<History.Operation> ops, boolean[] done, History.Operation o) {
      for (int j = 0; j < ops.size(); j++) {
        History.Operation p = ops.get(j);
        if (!done[j] && p.status() == History.Status.DONE && p.returnNs() < o.invokeNs()) {
          return false;
        }
      }
      return true;
    }
  }

  /** One simulated operation: interval [invoke, ret], linearization point {@code at} (-1 = never). */
  private static final class SimOp {
    final int client;
    final String key;
    final long invoke;
    final long ret;
    final boolean unknown;
    final long at;
    Op op;
    String readValue;
    boolean casOk;

    SimOp(int client, String key, Op op, long invoke, long ret, boolean unknown, long at) {
      this.client = client;
      this.key = key;
      this.op = op;
      this.invoke = invoke;
      this.ret = ret;
      this.unknown = unknown;
      this.at = at;
    }

    boolean definiteWriter() {
      return !unknown && (op instanceof Op.Write || op instanceof Op.Cas && casOk);
    }

    String written() {
      return op instanceof Op.Write w ? w.value() : ((Op.Cas) op).value();
    }

    String describe() {
      return key + " [" + invoke + ", " + ret + "] -> \"" + readValue + "\"";
    }
  }

  /**
   * Clients issuing random reads, writes and CASes (expecting the value they last saw) against an
   * atomic register per key: each operation takes effect at a random point inside its interval, an
   * unknown-outcome one at a random later point or never. Written values are unique.
   */
  private static final class Simulation {
    final List<SimOp> ops = new ArrayList<>();

    Simulation(long seed, int clients, int opsPerClient, int keys, double unknownRate) {
      Random rnd = new Random(seed);
      for (int c = 0; c < clients; c++) {
        long t = rnd.nextInt(1000);
        for (int i = 0; i < opsPerClient; i++) {
          String key = "key-" + rnd.nextInt(keys);
          int kind = rnd.nextInt(10);
          String value = "c" + c + "-" + i;
          Op op = kind < 4 ? Op.read() : kind < 7 ? Op.write(value) : Op.cas(null, value);
          int duration = 10 + rnd.nextInt(2000);
          boolean unknown = rnd.nextDouble() < unknownRate;
          long at = !unknown ? t + 1 + rnd.nextInt(duration - 1)
              : rnd.nextBoolean() ? t + 1 + rnd.nextInt(20_000) : -1;
          ops.add(new SimOp(c, key, op, t, t + duration, unknown, at));
          t += duration + rnd.nextInt(200);
        }
      }
      // Events in time order: a CAS picks its expectation when invoked, every operation acts at `at`.
      List<long[]> events = new ArrayList<>(); // time, 0 = invoke / 1 = effect, index
      for (int i = 0; i < ops.size(); i++) {
        events.add(new long[] {ops.get(i).invoke, 0, i});
        if (ops.get(i).at >= 0) {
          events.add(new long[] {ops.get(i).at, 1, i});
        }
      }
      events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
      Map<String, String> register = new HashMap<>();
      Map<String, String> lastSeen = new HashMap<>();
      for (long[] e : events) {
        SimOp o = ops.get((int) e[2]);
        String seenKey = o.client + "/" + o.key;
        if (e[1] == 0) {
          if (o.op instanceof Op.Cas) {
            o.op = Op.cas(lastSeen.get(seenKey), o.written());
          }
          continue;
        }
        String current = register.get(o.key);
        String seen;
        if (o.op instanceof Op.Read) {
          o.readValue = current;
          seen = current;
        } else if (o.op instanceof Op.Write w) {
          register.put(o.key, w.value());
          seen = w.value();
        } else {
          o.casOk = Objects.equals(current, ((Op.Cas) o.op).expected());
          if (o.casOk) {
            register.put(o.key, o.written());
          }
          seen = register.get(o.key);
        }
        if (!o.unknown) {
          lastSeen.put(seenKey, seen);
        }
      }
    }

    /** A new history recording every operation through the History API, in time order. */
    History history() {
      AtomicLong now = new AtomicLong();
      History history = new History(now::get);
      List<long[]> events = new ArrayList<>(); // time, 0 = invoke / 1 = outcome, index
      for (int i = 0; i < ops.size(); i++) {
        events.add(new long[] {ops.get(i).invoke, 0, i});
        events.add(new long[] {ops.get(i).ret, 1, i});
      }
      events.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
      long[] ids = new long[ops.size()];
      for (long[] e : events) {
        int i = (int) e[2];
        SimOp o = ops.get(i);
        now.set(e[0]);
        if (e[1] == 0) {
          ids[i] = history.invoke(o.key, o.op);
        } else if (o.unknown) {
          history.unknown(ids[i]);
        } else if (o.op instanceof Op.Read) {
          history.complete(ids[i], o.readValue);
        } else if (o.op instanceof Op.Cas) {
          history.complete(ids[i], o.casOk);
        } else {
          history.complete(ids[i]);
        }
      }
      return history;
    }

    /**
     * Makes a completed read from the middle of the history return a value that was definitely
     * overwritten before it was invoked (written by W, then W2 invoked after W returned, W2 returned
     * before the read) and returns it.
     */
    SimOp corruptOneRead() {
      List<SimOp> byTime = ops.stream().sorted(Comparator.comparingLong(o -> o.invoke)).toList();
      for (SimOp r : byTime.subList(ops.size() / 2, ops.size())) {
        if (r.unknown || !(r.op instanceof Op.Read)) {
          continue;
        }
        for (SimOp w2 : ops) {
          if (!w2.key.equals(r.key) || !w2.definiteWriter() || w2.ret >= r.invoke) {
            continue;
          }
          for (SimOp w : ops) {
            if (w.key.equals(r.key) && w.definiteWriter() && w.ret < w2.invoke
                && !w.written().equals(r.readValue)) {
              r.readValue = w.written();
              return r;
            }
          }
        }
      }
      throw new IllegalStateException("no read to corrupt");
    }
  }
}
