package io.baton.core.recipe;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;

/**
 * Barriers. A simple barrier is the node {@code /baton/barriers/<name>}: waiters are released when
 * it is removed. A double barrier keeps one ephemeral node per participant under
 * {@code /baton/dbarriers/<name>} (whose data holds the party size): {@code enter} returns when the
 * party is complete, {@code leave} when every participant has left.
 *
 * <p>A release is also written down, so that an {@code enter} retried after its reply was lost (the
 * participant's node is already there, and others may have started to leave) is answered as well:
 * once a node sees the party complete it records in the directory's data {@code released}, the
 * highest creation zxid of the participants then present. A participant whose node was created at or
 * before that zxid belongs to a released party; a later party (the directory reused) creates newer
 * nodes, so an old mark never releases it.
 */
final class Barriers {
  private final Coordinator coordinator;
  private final Reads reads;
  private final Map<String, List<Waiter>> waiters = new HashMap<>();

  /** {@code markAt}: the party size, for an {@code enter} whose release is written down; 0 for other waits. */
  private record Waiter(long session, IntPredicate released, int markAt, long deadline,
                        CompletableFuture<Integer> future) {
  }

  /**
   * Releases whose mark could not be written (another node's won the race, no leader for a while):
   * directory → party size, retried each tick.
   */
  private final Map<String, Integer> unmarked = new HashMap<>();

  Barriers(Coordinator coordinator) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
  }

  static String barrier(String name) {
    return Names.ROOT + "/barriers/" + Names.check(name, "barrier");
  }

  static String doubleBarrier(String name) {
    return Names.ROOT + "/dbarriers/" + Names.check(name, "double barrier");
  }

  CompletableFuture<Boolean> set(long session, String name) {
    String p;
    try {
      p = barrier(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    return Async.submit(coordinator, session, new Op.Create(p, new byte[0], CreateMode.PERSISTENT, 0, true))
        .handle((r, t) -> {
          if (t != null && !Async.is(t, ErrorCode.NODE_EXISTS)) {
            throw Async.cause(t);
          }
          return t == null;
        });
  }

  CompletableFuture<Boolean> remove(long session, String name) {
    String p;
    try {
      p = barrier(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    return Async.submit(coordinator, session, new Op.Delete(p, -1)).handle((r, t) -> {
      if (t != null && !Async.is(t, ErrorCode.NO_NODE)) {
        throw Async.cause(t);
      }
      return t == null;
    });
  }

  /** Completes once the barrier node is gone (0), or fails with OperationTimeout. */
  CompletableFuture<Integer> await(long session, String name, long timeoutMs) {
    String p;
    try {
      p = barrier(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    return wait(session, p, n -> reads.exists(0, p, false) == null, 0, timeoutMs);
  }

  /**
   * Joins the party; completes with the party size once {@code size} participants are in. Entering
   * again as a participant this session already is (a retry after a lost reply) waits for the same
   * release; a participant name held by another session is NodeExists.
   */
  CompletableFuture<Integer> enter(long session, String name, String participant, int size, long timeoutMs) {
    if (session == 0) {
      return Async.failed(BatonException.badArguments("a double barrier needs a session"));
    }
    if (size <= 0) {
      return Async.failed(BatonException.badArguments("party size must be positive, was " + size));
    }
    String dir;
    String path;
    try {
      dir = doubleBarrier(name);
      path = dir + "/" + Names.check(participant, "participant");
    } catch (BatonException e) {
      return Async.failed(e);
    }
    return Async.synced(coordinator, session, dir).thenCompose(p -> {
      Stat dirStat = reads.exists(0, dir, false);
      if (dirStat != null) {
        int existing = Documents.parse(reads.getData(0, dir, false).data()).path("size").asInt(size);
        if (existing != size) {
          return Async.failed(BatonException.badArguments("double barrier '" + name + "' has party size " + existing));
        }
      }
      IntPredicate released = n -> n >= size || releasedEarlier(dir, path);
      if (reads.exists(0, path, false) != null) {
        return rejoin(session, name, participant, dir, path, released, size, timeoutMs);
      }
      byte[] dirData = Documents.bytes(Documents.object().put("size", size));
      Op.Create create = new Op.Create(path, new byte[0], CreateMode.EPHEMERAL, 0, false);
      return Containers.createIn(coordinator, session, dir, dirData, create)
          .thenCompose(r -> wait(session, dir, released, size, timeoutMs))
          .exceptionallyCompose(t -> !Async.is(t, ErrorCode.NODE_EXISTS) ? Async.failed(Async.cause(t))
              // the earlier attempt's create was still on its way when this one looked: look again once applied
              : Async.synced(coordinator, session, dir)
                  .thenCompose(p2 -> rejoin(session, name, participant, dir, path, released, size, timeoutMs)));
    });
  }

  /** An enter whose participant node is there: this session's (a retry) waits with it, another's is NodeExists. */
  private CompletableFuture<Integer> rejoin(long session, String name, String participant, String dir, String path,
                                            IntPredicate released, int size, long timeoutMs) {
    Stat own = reads.exists(0, path, false);
    if (own != null && own.ephemeralOwner() == session) {
      return wait(session, dir, released, size, timeoutMs);
    }
    return Async.failed(new BatonException(ErrorCode.NODE_EXISTS, "participant '" + participant + "' of '" + name
        + "' is another session's"));
  }

  /** Whether the participant at {@code path} was present when a release of {@code dir} was written down. */
  private boolean releasedEarlier(String dir, String path) {
    Stat own = reads.exists(0, path, false);
    return own != null && own.czxid() <= releaseMark(dir);
  }

  private long releaseMark(String dir) {
    return reads.exists(0, dir, false) == null ? 0
        : Documents.parse(reads.getData(0, dir, false).data()).path("released").asLong(0);
  }

  /**
   * Writes down that the participants now in {@code dir} were released (the party is complete), unless
   * an equal or later mark is there. A mark that could not be written (a concurrent mark from another
   * node won the version race, the cluster was between leaders) is looked at again on the next tick and
   * rewritten if it is still lower.
   */
  private void markReleased(String dir, int size) {
    Stat dirStat = reads.exists(0, dir, false);
    if (dirStat == null) {
      return;
    }
    long newest = 0;
    for (String child : reads.getChildren(0, dir, false).names()) {
      Stat c = reads.exists(0, dir + "/" + child, false);
      newest = c == null ? newest : Math.max(newest, c.czxid());
    }
    if (newest <= releaseMark(dir)) {
      return;
    }
    byte[] data = Documents.bytes(Documents.object().put("size", size).put("released", newest));
    Async.submit(coordinator, 0, new Op.SetData(dir, data, dirStat.version())).whenComplete((r, t) -> {
      if (t == null) {
        return;
      }
      ErrorCode code = Async.cause(t).code();
      if (code == ErrorCode.BAD_VERSION || code == ErrorCode.CONNECTION_LOSS || code == ErrorCode.NOT_READY
          || code == ErrorCode.THROTTLED || code == ErrorCode.OPERATION_TIMEOUT) {
        unmarked.put(dir, size);
      }
    });
  }

  /** Leaves the party; completes once every participant has left. */
  CompletableFuture<Integer> leave(long session, String name, String participant, long timeoutMs) {
    String dir;
    String path;
    try {
      dir = doubleBarrier(name);
      path = dir + "/" + Names.check(participant, "participant");
    } catch (BatonException e) {
      return Async.failed(e);
    }
    String notHeld = "'" + participant + "' has not entered '" + name + "' in this session";
    if (reads.exists(0, path, false) == null || reads.exists(0, path, false).ephemeralOwner() != session) {
      return Async.failed(new BatonException(ErrorCode.NOT_HOLDER, notHeld));
    }
    return Async.release(coordinator, session, path, notHeld)
        .thenCompose(r -> wait(session, dir, n -> n == 0, 0, timeoutMs));
  }

  private CompletableFuture<Integer> wait(long session, String dir, IntPredicate released, int markAt,
                                          long timeoutMs) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    int count = count(dir);
    if (released.test(count)) {
      if (markAt > 0 && count >= markAt) {
        markReleased(dir, markAt);
      }
      f.complete(count);
      return f;
    }
    long deadline = timeoutMs < 0 ? Long.MAX_VALUE : coordinator.now() + timeoutMs;
    waiters.computeIfAbsent(dir, k -> new ArrayList<>()).add(new Waiter(session, released, markAt, deadline, f));
    return f;
  }

  private int count(String dir) {
    return reads.exists(0, dir, false) == null ? 0 : reads.getChildren(0, dir, false).names().size();
  }

  /** A node at or directly under {@code path} changed. */
  void changed(String path) {
    for (String dir : new String[] {path, io.baton.core.tree.Paths.parent(path)}) {
      List<Waiter> ws = waiters.get(dir);
      if (ws == null) {
        continue;
      }
      int count = count(dir);
      Waiter marker = null;
      for (Waiter w : List.copyOf(ws)) {
        if (w.released().test(count)) {
          ws.remove(w);
          w.future().complete(count);
          marker = w.markAt() > 0 && count >= w.markAt() ? w : marker;
        }
      }
      if (marker != null) {
        markReleased(dir, marker.markAt());
      }
      if (ws.isEmpty()) {
        waiters.remove(dir);
      }
    }
  }

  void tick(long now) {
    if (!unmarked.isEmpty()) {
      Map<String, Integer> retry = new HashMap<>(unmarked);
      unmarked.clear();
      retry.forEach(this::markReleased);
    }
    for (List<Waiter> ws : waiters.values()) {
      for (Waiter w : List.copyOf(ws)) {
        if (w.deadline() <= now) {
          ws.remove(w);
          w.future().completeExceptionally(new BatonException(ErrorCode.OPERATION_TIMEOUT, "barrier not released"
              + " in time"));
        }
      }
    }
    waiters.values().removeIf(List::isEmpty);
  }

  void sessionEnded(long session) {
    for (List<Waiter> ws : waiters.values()) {
      ws.removeIf(w -> {
        if (w.session() == session) {
          w.future().completeExceptionally(new BatonException(ErrorCode.SESSION_EXPIRED, "session ended"));
          return true;
        }
        return false;
      });
    }
    waiters.values().removeIf(List::isEmpty);
  }
}
