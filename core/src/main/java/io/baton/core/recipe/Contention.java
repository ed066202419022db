package io.baton.core.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Paths;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Locks (mutex, read/write), semaphores and elections, decided on the ordering node from the tree:
 * who holds is always a function of the contender nodes, so it survives restarts and failover.
 * Waiting is local: a waiter is re-evaluated only when a contender of its directory is created or
 * deleted, and completed exactly when it may proceed.
 */
final class Contention {
  private final Coordinator coordinator;
  private final Reads reads;
  private final Map<String, List<Waiter>> waiters = new HashMap<>();
  private final Map<String, String> leaders = new HashMap<>();
  /** Per lock directory, the holders (path -> holder document) last written to its data. */
  private final Map<String, Map<String, ObjectNode>> recordedHolders = new HashMap<>();
  private final RecipeService events;
  private final List<Withdrawal> withdrawing = new ArrayList<>();

  private static final class Waiter {
    final LockKind kind;
    final String dir;
    final String path;
    final long session;
    final int permits;
    final long deadline;
    final CompletableFuture<Grant> future;

    Waiter(LockKind kind, String dir, String path, long session, int permits, long deadline,
           CompletableFuture<Grant> future) {
      this.kind = kind;
      this.dir = dir;
      this.path = path;
      this.session = session;
      this.permits = permits;
      this.deadline = deadline;
      this.future = future;
    }
  }

  Contention(Coordinator coordinator, RecipeService events) {
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
    this.events = events;
  }

  /** Sorted contenders of a directory (empty if it does not exist). */
  List<Contender> contenders(String dir) {
    if (reads.exists(0, dir, false) == null) {
      return List.of();
    }
    List<Contender> out = new ArrayList<>();
    for (String name : reads.getChildren(0, dir, false).names()) {
      NodeData d = reads.getData(0, dir + "/" + name, false);
      out.add(Contender.of(dir, name, d.data(), d.stat()));
    }
    out.sort(Comparator.comparingLong(Contender::sequence));
    return out;
  }

  private int permitsOf(String dir) {
    if (reads.exists(0, dir, false) == null) {
      return 0;
    }
    return Documents.parse(reads.getData(0, dir, false).data()).path("permits").asInt(0);
  }

  /**
   * Acquires: completes with the grant once the session holds the lock, or fails with
   * OperationTimeout after {@code timeoutMs} ({@code < 0} waits forever; 0 = try once).
   */
  CompletableFuture<Grant> acquire(long session, LockKind kind, String name, String owner, int permits,
                                   long timeoutMs, ObjectNode meta) {
    if (session == 0) {
      return Async.failed(BatonException.badArguments(kind.name().toLowerCase() + " needs a session"));
    }
    String dir;
    try {
      dir = kind.dir(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    if (kind == LockKind.SEMAPHORE) {
      if (permits <= 0) {
        return Async.failed(BatonException.badArguments("permits must be positive, was " + permits));
      }
      int existing = permitsOf(dir);
      if (existing != 0 && existing != permits) {
        return Async.failed(BatonException.badArguments("semaphore '" + name + "' has " + existing
            + " permits, not " + permits));
      }
    }
    String ownerId = owner == null || owner.isEmpty() ? Long.toHexString(session) : owner;
    if (kind.reentrant()) {
      for (Contender c : contenders(dir)) {
        if (c.session() == session && c.owner().equals(ownerId) && c.name().startsWith(kind.prefix())) {
          if (!isGranted(c, dir)) {
            if (isWaitedFor(dir, c.path())) {
              return Async.failed(BatonException.badArguments("owner '" + ownerId + "' is already waiting for "
                  + name));
            }
            // an earlier acquire of this owner whose outcome its client never learned (its node went away
            // or the reply was lost): wait on that contender rather than refuse (Curator's protected mode)
            return await(kind, dir, c.path(), session, permits, timeoutMs);
          }
          ObjectNode doc = c.doc().deepCopy();
          doc.put("holds", c.holds() + 1);
          // this node may not have applied a release of that contender yet (a retried release, a follower
          // behind): if it is gone when the hold is taken, contend afresh
          return Async.submit(coordinator, session, new Op.SetData(c.path(), Documents.bytes(doc), c.version()))
              .thenApply(r -> new Grant(c.path(), c.czxid(), c.holds() + 1))
              .exceptionallyCompose(t -> Async.is(t, ErrorCode.NO_NODE)
                  ? contend(kind, dir, session, ownerId, permits, timeoutMs, meta) : CompletableFuture.failedFuture(t));
        }
      }
    }
    return contend(kind, dir, session, ownerId, permits, timeoutMs, meta);
  }

  /** Adds a contender of {@code ownerId} to {@code dir} and waits until it is granted. */
  private CompletableFuture<Grant> contend(LockKind kind, String dir, long session, String ownerId, int permits,
                                           long timeoutMs, ObjectNode meta) {
    ObjectNode doc = meta == null ? Documents.object() : meta.deepCopy();
    doc.put("owner", ownerId).put("holds", 1);
    byte[] dirData = kind == LockKind.SEMAPHORE ? Documents.bytes(Documents.object().put("permits", permits))
        : new byte[0];
    return Containers.createIn(coordinator, session, dir, dirData,
            new Op.Create(dir + "/" + kind.prefix(), Documents.bytes(doc), CreateMode.EPHEMERAL_SEQUENTIAL, 0, false))
        .thenCompose(r -> await(kind, dir, ((OpResult.Created) r.get(r.size() - 1)).path(), session, permits,
            timeoutMs));
  }

  /** Waits until the contender at {@code path} is granted, or withdraws it after {@code timeoutMs}. */
  private CompletableFuture<Grant> await(LockKind kind, String dir, String path, long session, int permits,
                                         long timeoutMs) {
    long deadline = timeoutMs < 0 ? Long.MAX_VALUE : coordinator.now() + timeoutMs;
    CompletableFuture<Grant> granted = new CompletableFuture<>();
    Waiter w = new Waiter(kind, dir, path, session, permits, deadline, granted);
    waiters.computeIfAbsent(dir, k -> new ArrayList<>()).add(w);
    evaluate(dir);
    if (!granted.isDone() && timeoutMs == 0) {
      expire(w);
    }
    return granted;
  }

  private boolean isWaitedFor(String dir, String path) {
    for (Waiter w : waiters.getOrDefault(dir, List.of())) {
      if (w.path.equals(path)) {
        return true;
      }
    }
    return false;
  }

  /** Adds a contender without waiting (elections): completes with its node once created. */
  CompletableFuture<Contender> enlist(long session, LockKind kind, String name, String owner, ObjectNode meta) {
    if (session == 0) {
      return Async.failed(BatonException.badArguments(kind.name().toLowerCase() + " needs a session"));
    }
    String dir;
    try {
      dir = kind.dir(name);
      Names.check(owner, "candidate");
    } catch (BatonException e) {
      return Async.failed(e);
    }
    for (Contender c : contenders(dir)) {
      if (c.session() == session && c.owner().equals(owner)) {
        return Async.failed(BatonException.nodeExists("candidate '" + owner + "' already joined " + name + " as "
            + c.path()));
      }
    }
    ObjectNode doc = meta == null ? Documents.object() : meta.deepCopy();
    doc.put("owner", owner).put("holds", 1);
    return Containers.createIn(coordinator, session, dir, new byte[0],
            new Op.Create(dir + "/" + kind.prefix(), Documents.bytes(doc), CreateMode.EPHEMERAL_SEQUENTIAL, 0, false))
        .thenApply(r -> {
          String path = ((OpResult.Created) r.get(r.size() - 1)).path();
          for (Contender c : contenders(dir)) {
            if (c.path().equals(path)) {
              return c;
            }
          }
          throw new BatonException(ErrorCode.SESSION_EXPIRED, "candidate " + path + " vanished");
        });
  }

  private boolean isGranted(Contender c, String dir) {
    List<Contender> all = contenders(dir);
    int permits = permitsOf(dir);
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).path().equals(c.path())) {
        return kindOf(all.get(i)).granted(all, i, permits);
      }
    }
    return false;
  }

  private static LockKind kindOf(Contender c) {
    if (c.name().startsWith("write-")) {
      return LockKind.WRITE;
    }
    if (c.name().startsWith("read-")) {
      return LockKind.READ;
    }
    if (c.name().startsWith("lease-")) {
      return LockKind.SEMAPHORE;
    }
    return c.name().startsWith("c-") ? LockKind.ELECTION : LockKind.MUTEX;
  }

  /**
   * Releases one hold of the session (the given lease path, or its oldest granted contender of this
   * kind; for elections the session's candidate {@code owner}, leading or not). Completes with the
   * holds left; fails with NotHolder if the session holds nothing.
   */
  CompletableFuture<Integer> release(long session, LockKind kind, String name, String owner, String lease) {
    String dir;
    try {
      dir = kind.dir(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    String ownerId = owner == null || owner.isEmpty() ? Long.toHexString(session) : owner;
    List<Contender> all = contenders(dir);
    int permits = permitsOf(dir);
    for (int i = 0; i < all.size(); i++) {
      Contender c = all.get(i);
      boolean byOwner = kind.reentrant() || kind == LockKind.ELECTION;
      boolean mine = c.session() == session && c.name().startsWith(kind.prefix())
          && (lease == null ? !byOwner || c.owner().equals(ownerId) : c.path().equals(lease));
      if (!mine) {
        continue;
      }
      // a candidate may leave an election whether it leads or not; locks release granted holds only
      if (kind != LockKind.ELECTION && !kindOf(c).granted(all, i, permits)) {
        continue;
      }
      if (c.holds() > 1) {
        ObjectNode doc = c.doc().deepCopy();
        doc.put("holds", c.holds() - 1);
        return Async.submit(coordinator, session, new Op.SetData(c.path(), Documents.bytes(doc), c.version()))
            .thenApply(r -> c.holds() - 1);
      }
      return Async.release(coordinator, session, c.path(), "session 0x" + Long.toHexString(session)
          + " no longer holds " + kind.name().toLowerCase() + " '" + name + "'").thenApply(r -> 0);
    }
    return Async.failed(new BatonException(ErrorCode.NOT_HOLDER, "session 0x" + Long.toHexString(session)
        + " does not hold " + kind.name().toLowerCase() + " '" + name + "'"));
  }

  /**
   * Withdraws the session's pending acquire: its waiter on this node fails with
   * OperationTimeout("cancelled"), and every contender of the session (for {@code owner}, default the
   * session) that is not granted is deleted, wherever its acquire was made — a client whose acquire
   * had an unknown outcome (its node went away) cancels so that nothing it does not know of is left
   * waiting. The contenders are looked for after a {@code sync}, so a contender whose create was
   * committed but not yet applied here is seen. Completes, once they are gone, with whether there was one.
   */
  CompletableFuture<Boolean> cancel(long session, LockKind kind, String name, String owner) {
    String dir;
    try {
      dir = kind.dir(name);
    } catch (BatonException e) {
      return Async.failed(e);
    }
    return Async.synced(coordinator, session, dir).thenCompose(p -> withdrawAll(session, kind, dir, name, owner));
  }

  private CompletableFuture<Boolean> withdrawAll(long session, LockKind kind, String dir, String name, String owner) {
    String reason = "acquire of '" + name + "' cancelled";
    List<CompletableFuture<?>> gone = new ArrayList<>();
    java.util.Set<String> withdrawn = new java.util.HashSet<>();
    List<Waiter> ws = waiters.getOrDefault(dir, List.of());
    for (Waiter w : List.copyOf(ws)) {
      if (w.session == session && w.kind == kind) {
        withdraw(w, reason);
        withdrawn.add(w.path);
        gone.add(w.future.handle((r, t) -> null));
      }
    }
    String ownerId = owner == null || owner.isEmpty() ? Long.toHexString(session) : owner;
    List<Contender> all = contenders(dir);
    int permits = permitsOf(dir);
    for (int i = 0; i < all.size(); i++) {
      Contender c = all.get(i);
      if (c.session() == session && c.name().startsWith(kind.prefix()) && c.owner().equals(ownerId)
          && !kindOf(c).granted(all, i, permits) && !withdrawn.contains(c.path())) {
        CompletableFuture<Grant> done = new CompletableFuture<>();
        deleteContender(new Waiter(kind, dir, c.path(), session, permits, 0, done), reason);
        gone.add(done.handle((r, t) -> null));
      }
    }
    return CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new)).thenApply(v -> !gone.isEmpty());
  }

  /** Current holders in order (for an election, the first is the leader). */
  List<Contender> holders(LockKind kind, String name) {
    String dir = kind.dir(name);
    List<Contender> all = contenders(dir);
    int permits = permitsOf(dir);
    List<Contender> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (kindOf(all.get(i)).granted(all, i, permits)) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  /** All contenders, granted or waiting. */
  List<Contender> all(LockKind kind, String name) {
    return contenders(kind.dir(name));
  }

  /**
   * A contender was created or deleted in {@code dir} ({@code change} is the node's event): wake
   * whoever may now proceed, and record new holders and leaders in the log.
   */
  void changed(String dir, io.baton.core.stream.ChangeEvent change) {
    long zxid = change.zxid();
    if (change.kind() == io.baton.core.stream.ChangeEvent.Kind.NODE_DELETED) {
      recordedHolders.remove(change.path());
    }
    if (waiters.containsKey(dir)) {
      evaluate(dir);
    }
    if (dir.startsWith(Names.ROOT + "/elections/") && dir.endsWith("/candidates")) {
      // a leader only changes when its node goes; every deletion of one entry has the same cause
      // (a client's delete or multi, or the end of a session)
      String cause = change.kind() == io.baton.core.stream.ChangeEvent.Kind.NODE_DELETED && change.cause() != null
          ? change.cause() : "CLIENT";
      electionChanged(dir, zxid, cause);
    } else if (dir.startsWith(Names.ROOT + "/locks/") || dir.startsWith(Names.ROOT + "/rwlocks/")
        || dir.startsWith(Names.ROOT + "/semaphores/")) {
      recordHolders(dir);
    }
  }

  /**
   * Writes the current holders into the lock directory's data ({@code holders}, plus {@code granted}
   * and {@code released} since the last record, each with path, id, session and token), so grants
   * and releases are in the log and any change-stream consumer (the Kafka bridge) sees them without
   * keeping state. The difference is taken from the holders last written (kept here, as a write may
   * still be pending when the next change comes), and the write is unconditional: records are
   * submitted, and so logged, in the order of the changes.
   */
  private void recordHolders(String dir) {
    if (!coordinator.isLeading()) {
      return; // records are derived from the tree: the ordering node writes them once for the cluster
    }
    if (reads.exists(0, dir, false) == null) {
      recordedHolders.remove(dir);
      return;
    }
    NodeData current = reads.getData(0, dir, false);
    ObjectNode doc = Documents.parse(current.data());
    List<Contender> all = contenders(dir);
    int permits = doc.path("permits").asInt(0);
    com.fasterxml.jackson.databind.node.ArrayNode holders = Documents.MAPPER.createArrayNode();
    Map<String, ObjectNode> now = new java.util.LinkedHashMap<>();
    for (int i = 0; i < all.size(); i++) {
      Contender c = all.get(i);
      if (kindOf(c).granted(all, i, permits)) {
        ObjectNode h = Documents.object().put("path", c.path()).put("id", c.owner()).put("session", c.session())
            .put("token", c.czxid());
        now.put(c.path(), h);
        holders.add(h);
      }
    }
    Map<String, ObjectNode> before = recordedHolders.get(dir);
    if (before == null) {
      Map<String, ObjectNode> committed = new java.util.LinkedHashMap<>();
      doc.path("holders").forEach(h -> {
        if (h instanceof ObjectNode o) {
          committed.put(o.path("path").asText(), o);
        }
      });
      before = committed;
    }
    if (before.keySet().equals(now.keySet())) {
      recordedHolders.put(dir, before);
      return;
    }
    com.fasterxml.jackson.databind.node.ArrayNode granted = Documents.MAPPER.createArrayNode();
    for (Map.Entry<String, ObjectNode> h : now.entrySet()) {
      if (!before.containsKey(h.getKey())) {
        granted.add(h.getValue());
      }
    }
    com.fasterxml.jackson.databind.node.ArrayNode released = Documents.MAPPER.createArrayNode();
    for (Map.Entry<String, ObjectNode> h : before.entrySet()) {
      if (!now.containsKey(h.getKey())) {
        released.add(h.getValue());
      }
    }
    doc.set("holders", holders);
    doc.set("granted", granted);
    doc.set("released", released);
    recordedHolders.put(dir, now);
    Async.submit(coordinator, 0, new Op.SetData(dir, Documents.bytes(doc), -1))
        .exceptionally(t -> {
          recordedHolders.remove(dir);
          return null;
        });
  }

  void evaluateAll() {
    for (String dir : List.copyOf(waiters.keySet())) {
      evaluate(dir);
    }
  }

  private void evaluate(String dir) {
    List<Waiter> ws = waiters.get(dir);
    if (ws == null) {
      return;
    }
    List<Contender> all = contenders(dir);
    int permits = permitsOf(dir);
    Iterator<Waiter> it = ws.iterator();
    while (it.hasNext()) {
      Waiter w = it.next();
      int index = -1;
      for (int i = 0; i < all.size(); i++) {
        if (all.get(i).path().equals(w.path)) {
          index = i;
          break;
        }
      }
      if (index < 0) {
        it.remove();
        w.future.completeExceptionally(new BatonException(ErrorCode.SESSION_EXPIRED, "contender " + w.path
            + " is gone (session ended or node deleted)"));
      } else if (kindOf(all.get(index)).granted(all, index, Math.max(permits, w.permits))) {
        it.remove();
        Contender c = all.get(index);
        w.future.complete(new Grant(c.path(), c.czxid(), c.holds()));
      }
    }
    if (ws.isEmpty()) {
      waiters.remove(dir);
    }
  }

  private void electionChanged(String dir, long zxid, String cause) {
    List<Contender> all = contenders(dir);
    String name = dir.substring((Names.ROOT + "/elections/").length(), dir.length() - "/candidates".length());
    String before = leaders.get(dir);
    Optional<Contender> leader = all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    String now = leader.map(Contender::path).orElse(null);
    if (java.util.Objects.equals(before, now)) {
      return;
    }
    if (now == null) {
      leaders.remove(dir);
    } else {
      leaders.put(dir, now);
    }
    recordLeader(Paths.parent(dir), leader.orElse(null), before, cause);
    if (before != null) {
      events.emit("election", name, "LeaderLost", zxid, Map.of("path", before));
    }
    leader.ifPresent(l -> {
      Map<String, Object> f = new HashMap<>();
      f.put("path", l.path());
      f.put("id", l.owner());
      f.put("token", l.czxid());
      f.put("session", l.session());
      events.emit("election", name, "LeaderElected", zxid, f);
      events.emitTo(l.session(), "election", name, "Elected", zxid, f);
    });
  }

  /**
   * Writes the election's current leader (id, path, session, token) into the election node's data,
   * with the previous leader's path and why it went ({@code previousCause}: CLIENT for a resignation,
   * SESSION_CLOSED or SESSION_EXPIRED). {@code before} is the leader last recorded by this node
   * (null after a restart: then the committed record is the reference). Unconditional write, so a
   * record still pending when the next change comes does not make the next one fail.
   */
  private void recordLeader(String electionNode, Contender leader, String before, String cause) {
    if (!coordinator.isLeading()) {
      return;
    }
    if (reads.exists(0, electionNode, false) == null) {
      return;
    }
    String now = leader == null ? null : leader.path();
    String recorded = before;
    if (recorded == null) {
      NodeData current = reads.getData(0, electionNode, false);
      recorded = Documents.parse(current.data()).path("leader").path("path").asText(null);
      if (java.util.Objects.equals(recorded, now)) {
        return;
      }
    }
    ObjectNode next = Documents.object();
    if (leader == null) {
      next.putNull("leader");
    } else {
      next.set("leader", Documents.object().put("path", leader.path()).put("id", leader.owner())
          .put("session", leader.session()).put("token", leader.czxid()));
    }
    if (recorded != null) {
      next.put("previous", recorded);
      next.put("previousCause", cause);
    }
    Async.submit(coordinator, 0, new Op.SetData(electionNode, Documents.bytes(next), -1))
        .exceptionally(t -> null);
  }

  /** Withdraws waiters whose deadline passed, and retries contender deletions that did not go through. */
  void tick(long now) {
    for (List<Waiter> ws : List.copyOf(waiters.values())) {
      for (Waiter w : List.copyOf(ws)) {
        if (w.deadline <= now) {
          expire(w);
        }
      }
    }
    if (!withdrawing.isEmpty()) {
      List<Withdrawal> retry = List.copyOf(withdrawing);
      withdrawing.clear();
      for (Withdrawal r : retry) {
        deleteContender(r.waiter(), r.reason());
      }
    }
  }

  private void expire(Waiter w) {
    withdraw(w, "not acquired in time: " + w.path);
  }

  /**
   * Stops waiting for {@code w} and deletes its contender node; the acquire fails (OperationTimeout with
   * {@code reason}) only once the node is gone. A delete that is not applied (ConnectionLoss: the leader
   * changed or stepped down) is retried on the next tick, so an acquire that gave up never leaves a
   * contender behind to be granted later to a client that believes it does not hold the lock.
   */
  private void withdraw(Waiter w, String reason) {
    List<Waiter> ws = waiters.get(w.dir);
    if (ws != null) {
      ws.remove(w);
      if (ws.isEmpty()) {
        waiters.remove(w.dir);
      }
    }
    deleteContender(w, reason);
  }

  private void deleteContender(Waiter w, String reason) {
    Async.submit(coordinator, w.session, new Op.Delete(w.path, -1)).whenComplete((r, t) -> {
      if (t == null || Async.is(t, ErrorCode.NO_NODE) || Async.is(t, ErrorCode.SESSION_EXPIRED)) {
        w.future.completeExceptionally(new BatonException(ErrorCode.OPERATION_TIMEOUT, reason));
      } else {
        withdrawing.add(new Withdrawal(w, reason));
      }
    });
  }

  /** A contender deletion to retry. */
  private record Withdrawal(Waiter waiter, String reason) {
  }

  /** Drops the waiters of an ended session (its contender nodes went with it). */
  void sessionEnded(long session) {
    for (List<Waiter> ws : waiters.values()) {
      for (Waiter w : List.copyOf(ws)) {
        if (w.session == session) {
          ws.remove(w);
          w.future.completeExceptionally(new BatonException(ErrorCode.SESSION_EXPIRED, "session ended"));
        }
      }
    }
    waiters.values().removeIf(List::isEmpty);
    withdrawing.removeIf(r -> {
      if (r.waiter().session == session) {
        r.waiter().future.completeExceptionally(new BatonException(ErrorCode.OPERATION_TIMEOUT, r.reason()));
        return true;
      }
      return false;
    });
  }
}
