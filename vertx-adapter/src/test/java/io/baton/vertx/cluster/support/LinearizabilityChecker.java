package io.baton.vertx.cluster.support;

import io.baton.vertx.cluster.support.History.Op;
import io.baton.vertx.cluster.support.History.Operation;
import io.baton.vertx.cluster.support.History.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Checks a {@link History} of per-key registers for linearizability.
 *
 * <p>Keys are checked independently (a history is linearizable iff each key's sub-history is). Each
 * key is searched with the Wing–Gong/Lowe algorithm as in porcupine: walk the time-ordered list of
 * call and return events, linearize a pending call if the register allows it, backtrack on reaching a
 * return whose call is not linearized, and memoize visited (linearized-set, register-value) pairs.
 *
 * <p>Unknown-outcome operations have no return: they may take effect at any point after their
 * invocation, or never (so their results are unconstrained and unknown reads are dropped). Each such
 * operation would double the states to explore; these sound reductions avoid that:
 * <ul>
 *   <li>an unknown operation is linearized only right before an operation that would be impossible
 *       without it: any other placement can be moved later or dropped without changing anything seen;
 *   <li>a value that no operation that may be linearized later compares against (a read returning it,
 *       a CAS expecting it) is replaced by one "unobservable" value, so such states merge;
 *   <li>an unknown write of an unobservable value is dropped when no failed CAS could follow it;
 *   <li>unknown operations with the same effect are interchangeable: only the earliest-invoked unused
 *       one is tried.
 * </ul>
 * Memo keys store only the non-prefix part of the linearized set, so memory grows with the number of
 * states visited times the concurrency, not times the history length.
 *
 * <p>Limits: the search is exponential in the worst case. With 8 clients and 3 keys, 4,000 operations
 * (2-20% of unknown outcome) take tens of milliseconds when linearizable and well under a second when
 * not (a violation makes the search exhaust everything before it). 16 clients with 20% unknown take a
 * few seconds to find a violation. The time budget turns pathological cases into
 * {@link Verdict#TIMEOUT} instead of a hang.
 */
public final class LinearizabilityChecker {
  /** The budget used by {@link #check(History)}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** The outcome of a check. */
  public enum Verdict { LINEARIZABLE, VIOLATION, TIMEOUT }

  /**
   * The verdict; for a violation or timeout {@code key} names the first such key (in key order) and
   * {@code description} shows the operations involved.
   */
  public record Result(Verdict verdict, String key, String description) {
    public boolean ok() {
      return verdict == Verdict.LINEARIZABLE;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  private LinearizabilityChecker() {
  }

  /** Checks {@code history} within {@link #DEFAULT_TIMEOUT}. */
  public static Result check(History history) {
    return check(history, DEFAULT_TIMEOUT);
  }

  /** Checks {@code history}; gives up with {@link Verdict#TIMEOUT} after {@code timeout}. */
  public static Result check(History history, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Operation> all = history.operations();
    long origin = all.stream().mapToLong(Operation::invokeNs).min().orElse(0);
    Map<String, List<Operation>> byKey = new TreeMap<>();
    for (Operation op : all) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
      Result r = new KeySearch(e.getKey(), e.getValue(), origin, deadline).run();
      if (!r.ok()) {
        return r;
      }
    }
    return new Result(Verdict.LINEARIZABLE, null,
        "linearizable: " + all.size() + " operations on " + byKey.size() + " keys");
  }

  private static final int READ = 0;
  private static final int WRITE = 1;
  /** A CAS that succeeded, or one of unknown outcome (which, if it takes effect, succeeds). */
  private static final int CAS_OK = 2;
  private static final int CAS_FAILED = 3;
  /** The register value that no later operation compares against. */
  private static final int UNOBSERVABLE = 0;

  /** One operation of the key, as the search sees it. */
  private static final class Step {
    final int index;
    final Operation source;
    final boolean definite;
    final long invoke;
    final long ret;
    int kind;
    /** The value compared against: read result or CAS expectation. */
    int compare;
    /** The value written. */
    int written;
    /** Class of interchangeable unknown operations, or -1; {@code rank} is the position in it. */
    int cls = -1;
    int rank;

    Step(int index, Operation source) {
      this.index = index;
      this.source = source;
      this.definite = source.status() == Status.DONE;
      this.invoke = source.invokeNs();
      this.ret = definite ? source.returnNs() : Long.MAX_VALUE;
    }

    /** The register value after this step from {@code state}, or -1 if it cannot happen there. */
    int apply(int state) {
      return switch (kind) {
        case READ -> state == compare ? state : -1;
        case WRITE -> written;
        case CAS_OK -> state == compare ? written : -1;
        default -> state != compare ? state : -1;
      };
    }
  }

  /** A call or return event in the doubly linked event list. */
  private static final class Node {
    final Step step;
    final boolean call;
    Node match;
    Node prev;
    Node next;

    Node(Step step, boolean call) {
      this.step = step;
      this.call = call;
    }
  }

  /**
   * The set of linearized operations (indexed in invocation order), with a Zobrist hash. Such sets
   * are nearly prefixes, so a memo key stores only the words after its leading all-ones words.
   */
  private static final class Linearized {
    private final long[] words;
    private final long[] zobrist;
    private long hash;
    /** First word that is not all ones. */
    private int base;
    /** Last non-zero word, or -1. */
    private int top = -1;

    Linearized(int n) {
      words = new long[n / 64 + 1];
      zobrist = new SplittableRandom(n).longs(n).toArray();
    }

    void add(int i) {
      words[i >>> 6] |= 1L << i;
      hash ^= zobrist[i];
      top = Math.max(top, i >>> 6);
      while (words[base] == -1L) {
        base++;
      }
    }

    void remove(int i) {
      words[i >>> 6] &= ~(1L << i);
      hash ^= zobrist[i];
      base = Math.min(base, i >>> 6);
      while (top >= 0 && words[top] == 0) {
        top--;
      }
    }

    CacheKey key(int state, int constraint) {
      long[] tail = top < base ? new long[0] : Arrays.copyOfRange(words, base, top + 1);
      return new CacheKey(base, tail, state, constraint, hash);
    }
  }

  private record CacheKey(int base, long[] tail, int state, int constraint, long hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof CacheKey k && k.hash == hash && k.state == state && k.constraint == constraint
          && k.base == base && Arrays.equals(k.tail, tail);
    }

    @Override
    public int hashCode() {
      return Long.hashCode((hash * 31 + state) * 31 + constraint);
    }
  }

  private static final class KeySearch {
    private final String key;
    private final long origin;
    private final long deadline;
    private final List<Step> steps = new ArrayList<>();
    private final int totalOps;
    private int initialState;
    private int definiteCount;
    private int[] classUsed;
    private final Node head = new Node(null, false);

    // The deepest point the search reached, for the report.
    private int bestDepth = -1;
    private Step[] bestOrder;
    private Step bestBlocking;
    private List<Step> bestPending;

    KeySearch(String key, List<Operation> ops, long origin, long deadline) {
      this.key = key;
      this.origin = origin;
      this.deadline = deadline;
      this.totalOps = ops.size();
      prepare(ops);
    }

    private void prepare(List<Operation> ops) {
      List<Operation> kept = new ArrayList<>();
      for (Operation op : ops) {
        if (op.status() == Status.DONE || !(op.op() instanceof Op.Read)) {
          kept.add(op);
        }
      }
      kept.sort(Comparator.comparingLong(Operation::invokeNs));
      // Values compared against, with the latest time something comparing against each may return.
      Map<String, Integer> ids = new HashMap<>();
      List<Long> lastCompare = new ArrayList<>();
      lastCompare.add(Long.MAX_VALUE); // UNOBSERVABLE
      long lastFailedCas = Long.MIN_VALUE;
      for (int i = 0; i < kept.size(); i++) {
        Step s = new Step(i, kept.get(i));
        steps.add(s);
        Operation o = s.source;
        String compared;
        if (o.op() instanceof Op.Read) {
          s.kind = READ;
          compared = o.readValue();
        } else if (o.op() instanceof Op.Cas cas) {
          s.kind = s.definite && !o.casOk() ? CAS_FAILED : CAS_OK;
          compared = cas.expected();
          if (s.kind == CAS_FAILED) {
            lastFailedCas = Math.max(lastFailedCas, s.ret);
          }
        } else {
          s.kind = WRITE;
          continue;
        }
        Integer id = ids.computeIfAbsent(compared, v -> {
          lastCompare.add(Long.MIN_VALUE);
          return lastCompare.size() - 1;
        });
        s.compare = id;
        lastCompare.set(id, Math.max(lastCompare.get(id), s.ret));
      }
      initialState = ids.getOrDefault(null, UNOBSERVABLE);
      Map<List<Integer>, Integer> classes = new HashMap<>();
      List<Integer> classSizes = new ArrayList<>();
      List<Step> live = new ArrayList<>();
      for (Step s : steps) {
        if (s.kind == WRITE || s.kind == CAS_OK) {
          Integer id = ids.get(written(s.source.op()));
          // Everything linearized after s may return no earlier than s is invoked.
          s.written = id != null && lastCompare.get(id) >= s.invoke ? id : UNOBSERVABLE;
        }
        if (!s.definite) {
          if (s.kind != READ && s.written == UNOBSERVABLE && lastFailedCas < s.invoke) {
            continue;
          }
          List<Integer> signature = List.of(s.kind, s.compare, s.written);
          s.cls = classes.computeIfAbsent(signature, sig -> classes.size());
          if (s.cls == classSizes.size()) {
            classSizes.add(0);
          }
          s.rank = classSizes.get(s.cls);
          classSizes.set(s.cls, s.rank + 1);
        }
        live.add(s);
      }
      classUsed = new int[classSizes.size()];
      List<Node> events = new ArrayList<>();
      for (Step s : live) {
        Node call = new Node(s, true);
        events.add(call);
        if (s.definite) {
          definiteCount++;
          call.match = new Node(s, false);
          events.add(call.match);
        }
      }
      // At equal times, calls first: the operations then count as concurrent.
      events.sort(Comparator.comparingLong((Node n) -> n.call ? n.step.invoke : n.step.ret)
          .thenComparing(n -> !n.call));
      Node prev = head;
      for (Node n : events) {
        prev.next = n;
        n.prev = prev;
        prev = n;
      }
    }

    Result run() {
      int n = steps.size();
      Linearized linearized = new Linearized(n);
      Set<CacheKey> cache = new HashSet<>();
      Node[] stack = new Node[n];
      int[] stateBefore = new int[n];
      int[] constraintBefore = new int[n];
      int depth = 0;
      int remaining = definiteCount;
      int state = initialState;
      // After an unknown operation, the state before it: the next operation must be impossible there.
      int constraint = -1;
      Node entry = head.next;
      for (long iteration = 0; ; iteration++) {
        if (remaining == 0) {
          return new Result(Verdict.LINEARIZABLE, key, "linearizable");
        }
        if ((iteration & 0xfff) == 0 && System.nanoTime() - deadline >= 0) {
          return new Result(Verdict.TIMEOUT, key, "key \"" + key + "\": no verdict within the time budget ("
              + totalOps + " operations, " + cache.size() + " states visited)");
        }
        if (entry == null || !entry.call) {
          // entry returns, but its call could not be linearized before it: backtrack.
          remember(stack, depth, definiteCount - remaining, entry);
          if (depth == 0) {
            return violation();
          }
          Node top = stack[--depth];
          Step s = top.step;
          state = stateBefore[depth];
          constraint = constraintBefore[depth];
          linearized.remove(s.index);
          unlift(top);
          if (s.cls >= 0) {
            classUsed[s.cls]--;
          }
          if (s.definite) {
            remaining++;
          }
          entry = top.next;
          continue;
        }
        Step s = entry.step;
        boolean eligible = (s.cls < 0 || classUsed[s.cls] == s.rank)
            && (constraint < 0 || s.apply(constraint) < 0);
        int next = eligible ? s.apply(state) : -1;
        if (next >= 0) {
          linearized.add(s.index);
          int nextConstraint = s.definite ? -1 : state;
          if (cache.add(linearized.key(next, nextConstraint))) {
            stack[depth] = entry;
            stateBefore[depth] = state;
            constraintBefore[depth++] = constraint;
            state = next;
            constraint = nextConstraint;
            lift(entry);
            if (s.cls >= 0) {
              classUsed[s.cls]++;
            }
            if (s.definite) {
              remaining--;
            }
            entry = head.next;
            continue;
          }
          linearized.remove(s.index);
        }
        entry = entry.next;
      }
    }

    private static void lift(Node call) {
      call.prev.next = call.next;
      if (call.next != null) {
        call.next.prev = call.prev;
      }
      Node ret = call.match;
      if (ret != null) {
        ret.prev.next = ret.next;
        if (ret.next != null) {
          ret.next.prev = ret.prev;
        }
      }
    }

    private static void unlift(Node call) {
      Node ret = call.match;
      if (ret != null) {
        ret.prev.next = ret;
        if (ret.next != null) {
          ret.next.prev = ret;
        }
      }
      call.prev.next = call;
      if (call.next != null) {
        call.next.prev = call;
      }
    }

    private void remember(Node[] stack, int depth, int definiteDone, Node blocking) {
      if (definiteDone <= bestDepth) {
        return;
      }
      bestDepth = definiteDone;
      bestOrder = new Step[depth];
      for (int i = 0; i < depth; i++) {
        bestOrder[i] = stack[i].step;
      }
      bestBlocking = blocking == null ? null : blocking.step;
      bestPending = new ArrayList<>();
      for (Node n = head.next; n != blocking; n = n.next) {
        if (n.call && n.step != bestBlocking) {
          bestPending.add(n.step);
        }
      }
    }

    private Result violation() {
      String value = null;
      for (Step s : bestOrder) {
        if (s.kind == WRITE || s.kind == CAS_OK) {
          value = written(s.source.op());
        }
      }
      StringBuilder b = new StringBuilder();
      b.append("key \"").append(key).append("\" is not linearizable (").append(totalOps)
          .append(" operations on it, times in ms since the first invocation).\n");
      b.append("Longest linearizable prefix: ").append(bestDepth).append(" of ").append(definiteCount)
          .append(" completed operations, leaving the register at ").append(quote(value)).append(".\n");
      b.append("Its last operations:\n");
      for (int i = Math.max(0, bestOrder.length - 10); i < bestOrder.length; i++) {
        b.append("  ").append(describe(bestOrder[i])).append('\n');
      }
      if (bestBlocking != null) {
        b.append("No extension of it can linearize this operation before it returned:\n  ")
            .append(describe(bestBlocking)).append('\n');
      }
      b.append("Operations pending at that point:").append(bestPending.isEmpty() ? " none\n" : "\n");
      // bestPending is in invocation order; of the unknown-outcome ones show the latest few.
      int hidden = Math.max(0, (int) bestPending.stream().filter(s -> !s.definite).count() - 5);
      int skip = hidden;
      for (Step s : bestPending) {
        if (!s.definite && skip > 0) {
          skip--;
        } else {
          b.append("  ").append(describe(s)).append('\n');
        }
      }
      if (hidden > 0) {
        b.append("  and ").append(hidden).append(" unknown-outcome operations invoked earlier\n");
      }
      return new Result(Verdict.VIOLATION, key, b.toString());
    }

    private String describe(Step s) {
      Operation o = s.source;
      String text;
      if (o.op() instanceof Op.Read) {
        text = "read() -> " + quote(o.readValue());
      } else if (o.op() instanceof Op.Write w) {
        text = "write(" + quote(w.value()) + ")" + (s.definite ? "" : " -> unknown");
      } else {
        Op.Cas c = (Op.Cas) o.op();
        text = "cas(" + quote(c.expected()) + ", " + quote(c.value()) + ") -> "
            + (!s.definite ? "unknown" : o.casOk() ? "ok" : "failed");
      }
      String end = s.definite ? String.format("%.3f", (s.ret - origin) / 1e6) : "?";
      return String.format("#%d [%s] %s  [%.3f, %s]", o.id(), o.process(), text, (s.invoke - origin) / 1e6, end);
    }

    private static String written(Op op) {
      return op instanceof Op.Write w ? w.value() : ((Op.Cas) op).value();
    }

    private static String quote(String v) {
      return v == null ? "null" : '"' + v + '"';
    }
  }
}
