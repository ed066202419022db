package io.baton.core.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Paths;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Distributed FIFO and priority queues. Items are persistent sequential nodes
 * {@code /baton/queues/<q>/items/i-<rank>-<seq>} where rank = 999999 - priority, so names sort by
 * priority (higher first) then arrival. {@code take} hands the first item to exactly one consumer by
 * deleting it in the log; in ack mode the same transaction moves it to
 * {@code /baton/queues/<q>/taken/<item>} with the consumer's session and lease length, and the
 * ordering node puts it back (same name, so same place) when the consumer's session ends or the
 * lease passes without an ack. The lease is counted from the take's commit (see {@link QueueLeases}).
 */
final class Queues {
  static final int MAX_PRIORITY = 999_999;
  private final Coordinator coordinator;
  private final Reads reads;
  private final Map<String, List<Waiter>> waiters = new HashMap<>();
  private final Set<String> claimed = new HashSet<>();
  private final QueueLeases leases = new QueueLeases();
  private boolean leasesKnown;

  /** A consumer waiting for an item; {@code noWait}: it asked with timeout 0 and fails if none is at hand. */
  private record Waiter(long session, String queue, boolean ack, long leaseMs, long deadline, boolean noWait,
                        CompletableFuture<QueueItem> future) {
  }

  Queues(Coordinator coordinator) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
  }

  static String dir(String queue) {
    return Names.ROOT + "/queues/" + Names.check(queue, "queue");
  }

  CompletableFuture<String> put(long session, String queue, byte[] data, int priority) {
    String items;
    try {
      items = dir(queue) + "/items";
    } catch (BatonException e) {
      return Async.failed(e);
    }
    if (priority < 0 || priority > MAX_PRIORITY) {
      return Async.failed(BatonException.badArguments("priority must be in 0.." + MAX_PRIORITY));
    }
    String prefix = items + "/i-" + String.format("%06d", MAX_PRIORITY - priority) + "-";
    return Async.submit(coordinator, session, new Op.Create(prefix, data, CreateMode.PERSISTENT_SEQUENTIAL, 0, true))
        .thenApply(r -> Paths.name(((OpResult.Created) r.get(r.size() - 1)).path()));
  }

  /** Takes the first item; waits up to {@code timeoutMs} for one (0 = do not wait). */
  CompletableFuture<QueueItem> take(long session, String queue, boolean ack, long leaseMs, long timeoutMs) {
    try {
      dir(queue);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    if (ack && session == 0) {
      return Async.failed(BatonException.badArguments("taking with ack needs a session"));
    }
    if (ack && leaseMs <= 0) {
      return Async.failed(BatonException.badArguments("leaseMs must be positive in ack mode"));
    }
    CompletableFuture<QueueItem> f = new CompletableFuture<>();
    long deadline = timeoutMs < 0 ? Long.MAX_VALUE : coordinator.now() + timeoutMs;
    Waiter w = new Waiter(session, queue, ack, leaseMs, deadline, timeoutMs == 0, f);
    waiters.computeIfAbsent(queue, k -> new ArrayList<>()).add(w);
    serve(queue);
    failIfEmptyNow(w);
    return f;
  }

  /**
   * A waiter that asked not to wait fails with NoNode if no item was handed to it; one whose take is
   * being committed waits for that outcome (failing it now would lose the item it is being given).
   */
  private void failIfEmptyNow(Waiter w) {
    List<Waiter> ws = waiters.get(w.queue());
    if (w.noWait() && ws != null && ws.contains(w)) {
      drop(w);
      w.future().completeExceptionally(new BatonException(ErrorCode.NO_NODE, "queue '" + w.queue() + "' is empty"));
    }
  }

  /** Acknowledges a taken item; NotHolder unless this session holds it. */
  CompletableFuture<Void> ack(long session, String queue, String item) {
    String path;
    try {
      path = dir(queue) + "/taken/" + takenName(Names.check(item, "item"), session);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    String notHeld = "item '" + item + "' of queue '" + queue + "' is not held by this session";
    if (reads.exists(0, path, false) == null
        || Documents.parse(reads.getData(0, path, false).data()).path("session").asLong() != session) {
      return Async.failed(new BatonException(ErrorCode.NOT_HOLDER, notHeld));
    }
    return Async.release(coordinator, session, path, notHeld).thenApply(r -> null);
  }

  /** Items waiting and items taken but not acknowledged. */
  int[] size(String queue) {
    String d = dir(queue);
    return new int[] {children(d + "/items").size(), children(d + "/taken").size()};
  }

  private List<String> children(String dir) {
    return reads.exists(0, dir, false) == null ? List.of() : reads.getChildren(0, dir, false).names();
  }

  /** Hands available items to waiting consumers, oldest waiter first. */
  private void serve(String queue) {
    List<Waiter> ws = waiters.get(queue);
    if (ws == null || ws.isEmpty()) {
      return;
    }
    String d = dir(queue);
    for (String item : children(d + "/items")) {
      if (ws.isEmpty()) {
        break;
      }
      String path = d + "/items/" + item;
      if (!claimed.add(path)) {
        continue;
      }
      Waiter w = ws.remove(0);
      NodeData nd = reads.getData(0, path, false);
      Command cmd;
      if (w.ack()) {
        ObjectNode doc = Documents.object().put("session", w.session()).put("leaseMs", w.leaseMs())
            .put("data", Base64.getEncoder().encodeToString(nd.data()));
        List<Op> ops = new ArrayList<>();
        if (reads.exists(0, d + "/taken", false) == null) {
          ops.add(new Op.Create(d + "/taken", new byte[0], CreateMode.PERSISTENT, 0, false));
        }
        ops.add(new Op.Delete(path, nd.stat().version()));
        ops.add(new Op.Create(d + "/taken/" + takenName(item, w.session()), Documents.bytes(doc),
            CreateMode.PERSISTENT, 0, false));
        cmd = new Command.Multi(ops);
      } else {
        cmd = new Op.Delete(path, nd.stat().version());
      }
      Async.submit(coordinator, w.session(), cmd).whenComplete((r, t) -> {
        claimed.remove(path);
        if (t == null) {
          w.future().complete(new QueueItem(item, nd.data(), nd.stat().czxid(), !w.ack()));
        } else if (Async.is(t, ErrorCode.SESSION_EXPIRED)) {
          w.future().completeExceptionally(Async.cause(t));
        } else {
          waiters.computeIfAbsent(queue, k -> new ArrayList<>()).add(0, w);
          serve(queue);
          failIfEmptyNow(w);
        }
      });
    }
    if (ws.isEmpty()) {
      waiters.remove(queue);
    }
  }

  /**
   * A node under the recipe root was created or deleted: an item added under {@code items} serves
   * waiters of that queue; a take applied under {@code taken} starts its lease (on the ordering node),
   * an item leaving {@code taken} ends it.
   */
  void changed(ChangeEvent e) {
    String path = e.path();
    String parent = Paths.parent(path);
    if (parent.endsWith("/taken") && isQueueDir(Paths.parent(parent))) {
      if (e.kind() == ChangeEvent.Kind.NODE_DELETED) {
        leases.forget(path);
      } else if (e.kind() == ChangeEvent.Kind.NODE_CREATED && leasesKnown) {
        track(path, coordinator.now());
      }
      return;
    }
    if (!parent.endsWith("/items") || e.kind() != ChangeEvent.Kind.NODE_CREATED) {
      return;
    }
    String queueDir = Paths.parent(parent);
    String queue = Paths.name(queueDir);
    if (waiters.containsKey(queue) && (Names.ROOT + "/queues/" + queue).equals(queueDir)) {
      serve(queue);
    }
  }

  /**
   * The name of an item taken by {@code session}: the item's name and the session, so an ack that
   * rests on a stale view (an earlier take of the item by this session, since returned and taken by
   * another) can never remove another consumer's hold.
   */
  private static String takenName(String item, long session) {
    return item + "~" + Long.toHexString(session);
  }

  /** The item a taken node holds (the name it goes back under). */
  private static String itemName(String taken) {
    int at = taken.lastIndexOf('~');
    return at < 0 ? taken : taken.substring(0, at);
  }

  private static boolean isQueueDir(String dir) {
    return Paths.parent(dir).equals(Names.ROOT + "/queues");
  }

  /** Starts the lease of the taken item at {@code path} now (its full length, as its document gives it). */
  private void track(String path, long now) {
    ObjectNode doc = Documents.parse(reads.getData(0, path, false).data());
    long session = doc.path("session").asLong();
    long leaseMs = doc.has("leaseMs") ? doc.path("leaseMs").asLong() : doc.path("deadline").asLong() - now;
    leases.taken(path, session, leaseMs, now);
    if (!coordinator.isSessionOpen(session)) {
      leases.sessionEnded(session);
    }
  }

  /** Expires waiters and returns items whose consumer died or whose lease passed. */
  void tick(long now) {
    for (List<Waiter> ws : List.copyOf(waiters.values())) {
      for (Waiter w : List.copyOf(ws)) {
        if (w.deadline() <= now) {
          drop(w);
          w.future().completeExceptionally(new BatonException(ErrorCode.OPERATION_TIMEOUT,
              "no item in queue '" + w.queue() + "' in time"));
        }
      }
    }
    if (!coordinator.isLeading()) {
      // lease returns are time-based decisions: the ordering node alone makes them, on its own clock
      leases.clear();
      leasesKnown = false;
      return;
    }
    if (!leasesKnown) {
      leasesKnown = true;
      for (String queue : children(Names.ROOT + "/queues")) {
        String d = Names.ROOT + "/queues/" + queue;
        for (String item : children(d + "/taken")) {
          track(d + "/taken/" + item, now);
        }
      }
    }
    for (String path : leases.due(now)) {
      if (reads.exists(0, path, false) == null) {
        leases.forget(path);
        continue;
      }
      if (!claimed.add(path)) {
        continue;
      }
      NodeData nd = reads.getData(0, path, false);
      byte[] data = Base64.getDecoder().decode(Documents.parse(nd.data()).path("data").asText(""));
      String d = Paths.parent(Paths.parent(path));
      List<Op> ops = List.of(new Op.Delete(path, nd.stat().version()),
          new Op.Create(d + "/items/" + itemName(Paths.name(path)), data, CreateMode.PERSISTENT, 0, false));
      Async.submit(coordinator, 0, new Command.Multi(ops)).whenComplete((r, t) -> claimed.remove(path));
    }
  }

  /** The state was replaced by a snapshot: leases are counted afresh from what it holds. */
  void stateReplaced() {
    leases.clear();
    leasesKnown = false;
  }

  private void drop(Waiter w) {
    List<Waiter> ws = waiters.get(w.queue());
    if (ws != null) {
      ws.remove(w);
      if (ws.isEmpty()) {
        waiters.remove(w.queue());
      }
    }
  }

  void sessionEnded(long session) {
    leases.sessionEnded(session);
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
