package io.baton.core.recipe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.server.CoordinatorListener;
import io.baton.core.server.Scheduler;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.Paths;
import io.baton.schemas.log.LogEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The coordination recipes, run on the ordering node's owner thread so every client (Java or a
 * bare TCP-bridge process) gets them as single commands. Each recipe keeps its state as ordinary
 * nodes under {@code /baton/...} (visible, watchable, streamed and replicated like any data); all
 * changes go through the log; decisions that depend on ordering (who holds a lock, which consumer
 * gets an item) are made here from the committed tree. Waiting is local and is re-evaluated only
 * when the relevant nodes change, so a release wakes only who can proceed.
 *
 * <p>Layouts: {@code locks/<l>/lock-N}, {@code rwlocks/<l>/read-N|write-N},
 * {@code semaphores/<s>/lease-N}, {@code elections/<e>/candidates/c-N}, {@code groups/<g>/members/<id>},
 * {@code services/<s>/instances/<id>}, {@code config/<name>} (+ {@code history/v-N}),
 * {@code counters/<c>}, {@code barriers/<b>}, {@code dbarriers/<b>/<participant>},
 * {@code queues/<q>/items/i-R-N} and {@code queues/<q>/taken/<item>}.
 */
public final class RecipeService implements CoordinatorListener {
  private final Coordinator coordinator;
  private final Contention contention;
  private final Members members;
  private final Picker picker = new Picker();
  private final Configs configs;
  private final Counters counters;
  private final Barriers barriers;
  private final Queues queues;
  private final Map<String, Set<Long>> subscribers = new HashMap<>();
  private final List<Listener> listeners = new ArrayList<>();

  /** Receives recipe events for a session (owner thread). */
  @FunctionalInterface
  public interface Listener {
    void event(long sessionId, RecipeEvent event);
  }

  public RecipeService(Coordinator coordinator, Scheduler scheduler, long tickMs) {
    this.coordinator = coordinator;
    this.contention = new Contention(coordinator, this);
    this.members = new Members(coordinator);
    this.configs = new Configs(coordinator);
    this.counters = new Counters(coordinator);
    this.barriers = new Barriers(coordinator);
    this.queues = new Queues(coordinator);
    coordinator.addListener(this);
    scheduler.periodic(tickMs, this::tick);
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  // ------------------------------------------------------------- locks, semaphores, elections

  /** Acquires a mutex, read or write lock, or a semaphore lease (see {@link LockKind}). */
  public CompletableFuture<Grant> acquire(long session, LockKind kind, String name, String owner, int permits,
                                          long timeoutMs) {
    if (kind == LockKind.ELECTION) {
      return Async.failed(BatonException.badArguments("use election join for elections"));
    }
    return contention.acquire(session, kind, name, owner, permits, timeoutMs, null);
  }

  /** Releases one hold; completes with the holds left. */
  public CompletableFuture<Integer> release(long session, LockKind kind, String name, String owner, String lease) {
    return contention.release(session, kind, name, owner, lease);
  }

  /**
   * Cancels the session's pending acquire of {@code name} (its waiter here and any contender of the
   * session and {@code owner} not granted yet, wherever it waits); completes with whether one was pending.
   */
  public CompletableFuture<Boolean> cancel(long session, LockKind kind, String name, String owner) {
    return contention.cancel(session, kind, name, owner);
  }

  /** Current holders (path, owner, session, token). */
  public List<Map<String, Object>> holders(LockKind kind, String name) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Contender c : contention.holders(kind, name)) {
      out.add(describe(c));
    }
    return out;
  }

  /**
   * Joins an election as {@code candidateId} and replies at once with the candidate's node and
   * whether it leads. A candidate that becomes leader later gets an {@code Elected} event (with its
   * fencing token); subscribers get LeaderElected / LeaderLost.
   */
  public CompletableFuture<Map<String, Object>> joinElection(long session, String election, String candidateId,
                                                             ObjectNode meta) {
    return contention.enlist(session, LockKind.ELECTION, election, candidateId, meta).thenApply(c -> {
      Map<String, Object> out = describe(c);
      List<Contender> holders = contention.holders(LockKind.ELECTION, election);
      out.put("leader", !holders.isEmpty() && holders.get(0).path().equals(c.path()));
      return out;
    });
  }

  /** Leaves an election (resigning if leading). */
  public CompletableFuture<Integer> resign(long session, String election, String candidateId) {
    return contention.release(session, LockKind.ELECTION, election, candidateId, null);
  }

  /** The leader, or null; plus every candidate in order. */
  public Map<String, Object> election(String election) {
    List<Contender> all = contention.all(LockKind.ELECTION, election);
    Map<String, Object> out = new HashMap<>();
    out.put("leader", all.isEmpty() ? null : describe(all.get(0)));
    List<Map<String, Object>> cands = new ArrayList<>();
    all.forEach(c -> cands.add(describe(c)));
    out.put("candidates", cands);
    return out;
  }

  private static Map<String, Object> describe(Contender c) {
    Map<String, Object> m = new HashMap<>();
    m.put("path", c.path());
    m.put("id", c.owner());
    m.put("session", c.session());
    m.put("token", c.czxid());
    m.put("holds", c.holds());
    return m;
  }

  // ------------------------------------------------------------- membership and registry

  public CompletableFuture<Member> joinGroup(long session, String group, String member, ObjectNode meta) {
    try {
      return members.join(session, Members.groupDir(group), member, meta == null ? Documents.object() : meta);
    } catch (BatonException e) {
      return Async.failed(e);
    }
  }

  public CompletableFuture<Void> leaveGroup(long session, String group, String member) {
    try {
      return members.leave(session, Members.groupDir(group), member);
    } catch (BatonException e) {
      return Async.failed(e);
    }
  }

  public List<Member> groupMembers(String group) {
    return members.list(Members.groupDir(group));
  }

  /** Registers a service instance (ephemeral) with address, weight and load. */
  public CompletableFuture<Member> register(long session, String service, String id, String address,
                                                    double weight, ObjectNode meta) {
    if (weight < 0) {
      return Async.failed(BatonException.badArguments("weight must not be negative"));
    }
    if (address == null || address.isEmpty()) {
      return Async.failed(BatonException.badArguments("an instance needs an address"));
    }
    ObjectNode doc = meta == null ? Documents.object() : meta.deepCopy();
    doc.put("address", address).put("weight", weight).put("load", 0.0);
    try {
      return members.join(session, Members.serviceDir(service), id, doc);
    } catch (BatonException e) {
      return Async.failed(e);
    }
  }

  /** Updates the instance's reported load (and optionally weight). */
  public CompletableFuture<Member> report(long session, String service, String id, Double load,
                                                  Double weight) {
    ObjectNode f = Documents.object();
    if (load != null) {
      f.put("load", load);
    }
    if (weight != null) {
      if (weight < 0) {
        return Async.failed(BatonException.badArguments("weight must not be negative"));
      }
      f.put("weight", weight);
    }
    try {
      return members.update(session, Members.serviceDir(service), id, f);
    } catch (BatonException e) {
      return Async.failed(e);
    }
  }

  public CompletableFuture<Void> deregister(long session, String service, String id) {
    try {
      return members.leave(session, Members.serviceDir(service), id);
    } catch (BatonException e) {
      return Async.failed(e);
    }
  }

  public List<Member> instances(String service) {
    return members.list(Members.serviceDir(service));
  }

  /** Picks an instance: round_robin, random, weighted, least_loaded or consistent_hash (with key). */
  public Member pick(String service, String strategy, String key) {
    List<Member> all = instances(service);
    if (all.isEmpty()) {
      throw new BatonException(ErrorCode.NO_NODE, "service '" + service + "' has no instances");
    }
    return picker.pick(service, all, strategy, key);
  }

  // ------------------------------------------------------------- configuration, counters

  public ConfigVersion config(String name) {
    return configs.get(name);
  }

  public CompletableFuture<ConfigVersion> setConfig(long session, String name, String json, int expectedVersion) {
    return configs.set(session, name, json, expectedVersion);
  }

  public List<ConfigVersion> configHistory(String name) {
    return configs.history(name);
  }

  public CompletableFuture<ConfigVersion> rollbackConfig(long session, String name, int toVersion,
                                                           int expectedVersion) {
    return configs.rollback(session, name, toVersion, expectedVersion);
  }

  /** The zxid this node has applied: what its recipe answers rest on. */
  public long appliedZxid() {
    return coordinator.lastApplied();
  }

  public long counter(String name) {
    return counters.get(name);
  }

  public CompletableFuture<Long> addCounter(long session, String name, long delta) {
    return counters.add(session, name, delta);
  }

  public CompletableFuture<long[]> casCounter(long session, String name, long expect, long update) {
    return counters.compareAndSet(session, name, expect, update);
  }

  // ------------------------------------------------------------- barriers and queues

  public CompletableFuture<Boolean> setBarrier(long session, String name) {
    return barriers.set(session, name);
  }

  public CompletableFuture<Boolean> removeBarrier(long session, String name) {
    return barriers.remove(session, name);
  }

  public CompletableFuture<Integer> awaitBarrier(long session, String name, long timeoutMs) {
    return barriers.await(session, name, timeoutMs);
  }

  public CompletableFuture<Integer> enterBarrier(long session, String name, String participant, int size,
                                                 long timeoutMs) {
    return barriers.enter(session, name, participant, size, timeoutMs);
  }

  public CompletableFuture<Integer> leaveBarrier(long session, String name, String participant, long timeoutMs) {
    return barriers.leave(session, name, participant, timeoutMs);
  }

  public CompletableFuture<String> put(long session, String queue, byte[] data, int priority) {
    return queues.put(session, queue, data, priority);
  }

  public CompletableFuture<QueueItem> take(long session, String queue, boolean ack, long leaseMs, long timeoutMs) {
    return queues.take(session, queue, ack, leaseMs, timeoutMs);
  }

  public CompletableFuture<Void> ack(long session, String queue, String item) {
    return queues.ack(session, queue, item);
  }

  public int[] queueSize(String queue) {
    return queues.size(queue);
  }

  // ------------------------------------------------------------- subscriptions and events

  /**
   * Subscribes a session to a recipe's events: {@code election} (LeaderElected, LeaderLost),
   * {@code group} (MemberJoined, MemberLeft with reason), {@code registry} (InstanceUp, InstanceDown,
   * InstanceUpdated), {@code config} (ConfigChanged).
   */
  public void subscribe(long session, String recipe, String name) {
    if (session == 0) {
      throw BatonException.badArguments("subscriptions need a session");
    }
    if (!List.of("election", "group", "registry", "config").contains(recipe)) {
      throw BatonException.badArguments("unknown recipe '" + recipe + "' (election, group, registry, config)");
    }
    Names.check(name, recipe);
    subscribers.computeIfAbsent(recipe + ":" + name, k -> new LinkedHashSet<>()).add(session);
  }

  public boolean unsubscribe(long session, String recipe, String name) {
    Set<Long> s = subscribers.get(recipe + ":" + name);
    return s != null && s.remove(session);
  }

  void emit(String recipe, String name, String event, long zxid, Map<String, Object> fields) {
    Set<Long> s = subscribers.get(recipe + ":" + name);
    if (s == null) {
      return;
    }
    RecipeEvent e = new RecipeEvent(recipe, name, event, zxid, fields);
    for (long session : List.copyOf(s)) {
      for (Listener l : listeners) {
        l.event(session, e);
      }
    }
  }

  void emitTo(long session, String recipe, String name, String event, long zxid, Map<String, Object> fields) {
    RecipeEvent e = new RecipeEvent(recipe, name, event, zxid, fields);
    for (Listener l : listeners) {
      l.event(session, e);
    }
  }

  @Override
  public void committed(LogEntry entry, List<ChangeEvent> events) {
    for (ChangeEvent e : events) {
      String path = e.path();
      if (path == null || !path.startsWith(Names.ROOT + "/")) {
        continue;
      }
      if (e.kind() != ChangeEvent.Kind.NODE_DATA_CHANGED) {
        contention.changed(Paths.parent(path), e);
        queues.changed(e);
      }
      barriers.changed(path);
      routeMembership(e);
    }
  }

  private void routeMembership(ChangeEvent e) {
    String[] parts = e.path().split("/");
    // ["", "baton", kind, name, sub, id]
    if (parts.length == 6 && parts[2].equals("groups") && parts[4].equals("members")) {
      membership("group", parts[3], parts[5], e, "MemberJoined", "MemberLeft", null);
    } else if (parts.length == 6 && parts[2].equals("services") && parts[4].equals("instances")) {
      membership("registry", parts[3], parts[5], e, "InstanceUp", "InstanceDown", "InstanceUpdated");
    } else if (parts.length == 4 && parts[2].equals("config") && e.kind() != ChangeEvent.Kind.NODE_DELETED) {
      Map<String, Object> f = new HashMap<>();
      f.put("version", e.version());
      f.put("value", new String(e.data(), java.nio.charset.StandardCharsets.UTF_8));
      emit("config", parts[3], "ConfigChanged", e.zxid(), f);
    }
  }

  private void membership(String recipe, String name, String id, ChangeEvent e, String up, String down,
                          String updated) {
    Map<String, Object> f = new HashMap<>();
    f.put("id", id);
    switch (e.kind()) {
      case NODE_CREATED -> {
        f.put("session", e.sessionId());
        f.put("meta", e.data() == null ? "{}" : new String(e.data(), java.nio.charset.StandardCharsets.UTF_8));
        emit(recipe, name, up, e.zxid(), f);
      }
      case NODE_DELETED -> {
        f.put("reason", switch (String.valueOf(e.cause())) {
          case "SESSION_EXPIRED" -> "expired";
          case "SESSION_CLOSED" -> "session closed";
          default -> "left";
        });
        emit(recipe, name, down, e.zxid(), f);
      }
      case NODE_DATA_CHANGED -> {
        if (updated != null) {
          f.put("meta", new String(e.data(), java.nio.charset.StandardCharsets.UTF_8));
          emit(recipe, name, updated, e.zxid(), f);
        }
      }
      default -> {
      }
    }
  }

  /** After a snapshot install every lock and election waiter is decided again from the new tree. */
  @Override
  public void stateReplaced(long zxid) {
    contention.evaluateAll();
    queues.stateReplaced();

  }

  @Override
  public void sessionEnded(long sessionId, boolean expired) {
    contention.sessionEnded(sessionId);
    barriers.sessionEnded(sessionId);
    queues.sessionEnded(sessionId);
    for (Set<Long> s : subscribers.values()) {
      s.remove(sessionId);
    }
    subscribers.values().removeIf(Set::isEmpty);
  }

  private void tick() {
    long now = coordinator.now();
    contention.tick(now);
    barriers.tick(now);
    queues.tick(now);
  }
}
