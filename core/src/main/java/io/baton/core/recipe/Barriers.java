package io.baton.core.recipe;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.tree.CreateMode;
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
 */
final class Barriers {
  private final Coordinator coordinator;
  private final Map<String, List<Waiter>> waiters = new HashMap<>();

  private record Waiter(long session, IntPredicate released, long deadline, CompletableFuture<Integer> future) {
  }

  Barriers(Coordinator coordinator) {
    this.coordinator = coordinator;
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
    return wait(session, p, n -> coordinator.exists(0, p, false) == null, timeoutMs);
  }

  /** Joins the party; completes with the party size once {@code size} participants are in. */
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
    if (coordinator.exists(0, dir, false) != null) {
      int existing = Documents.parse(coordinator.getData(0, dir, false).data()).path("size").asInt(size);
      if (existing != size) {
        return Async.failed(BatonException.badArguments("double barrier '" + name + "' has party size " + existing));
      }
    }
    byte[] dirData = Documents.bytes(Documents.object().put("size", size));
    Op.Create create = new Op.Create(path, new byte[0], CreateMode.EPHEMERAL, 0, false);
    return Containers.createIn(coordinator, session, dir, dirData, create)
        .thenCompose(r -> wait(session, dir, n -> n >= size, timeoutMs));
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
    if (coordinator.exists(0, path, false) == null || coordinator.exists(0, path, false).ephemeralOwner() != session) {
      return Async.failed(new BatonException(ErrorCode.NOT_HOLDER, notHeld));
    }
    return Async.release(coordinator, session, path, notHeld)
        .thenCompose(r -> wait(session, dir, n -> n == 0, timeoutMs));
  }

  private CompletableFuture<Integer> wait(long session, String dir, IntPredicate released, long timeoutMs) {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    int count = count(dir);
    if (released.test(count)) {
      f.complete(count);
      return f;
    }
    long deadline = timeoutMs < 0 ? Long.MAX_VALUE : coordinator.now() + timeoutMs;
    waiters.computeIfAbsent(dir, k -> new ArrayList<>()).add(new Waiter(session, released, deadline, f));
    return f;
  }

  private int count(String dir) {
    return coordinator.exists(0, dir, false) == null ? 0 : coordinator.getChildren(0, dir, false).names().size();
  }

  /** A node at or directly under {@code path} changed. */
  void changed(String path) {
    for (String dir : new String[] {path, io.baton.core.tree.Paths.parent(path)}) {
      List<Waiter> ws = waiters.get(dir);
      if (ws == null) {
        continue;
      }
      int count = count(dir);
      for (Waiter w : List.copyOf(ws)) {
        if (w.released().test(count)) {
          ws.remove(w);
          w.future().complete(count);
        }
      }
      if (ws.isEmpty()) {
        waiters.remove(dir);
      }
    }
  }

  void tick(long now) {
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
