package io.baton.core.server;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.session.SessionTable;
import io.baton.core.session.SessionTracker;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.stream.ChangeEvents;
import io.baton.core.tree.Children;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.EphemeralOwner;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.PathValidator;
import io.baton.core.tree.Paths;
import io.baton.core.tree.Znode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.txn.TxnApplier;
import io.baton.core.txn.TxnPreparer;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatchManager;
import io.baton.core.watch.WatcherType;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.DeleteCause;
import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Baton node: orders writes into the log, commits them by the durability policy, applies them
 * to the tree, fires watches and answers reads. Every method must be called on the owner thread
 * given by the {@link Scheduler}; blocking work (fsync, snapshot writes) is handed to it.
 *
 * <p>A write goes through three separate steps, so a replicated log can slot in: <em>append</em>
 * (resolve the command into an entry with a zxid and write it to the log), <em>commit</em> (the
 * entry is durable by the policy) and <em>apply</em> (change the tree, reply, notify). Replies and
 * watch events only ever reflect applied entries. Requests of one session are answered in order.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final CoordinatorConfig config;
  private final Scheduler scheduler;
  private final DataTree tree;
  private final SessionTable sessions;
  private final TxnApplier applier;
  private final TxnPreparer preparer;
  private final WatchManager watches = new WatchManager();
  private final SessionTracker tracker = new SessionTracker();
  private final SnapshotStore snapshots;
  private final ChronicleTxnLog log;
  private final List<CoordinatorListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayDeque<Pending> inflight = new ArrayDeque<>();
  private final Map<Long, Integer> sessionPending = new HashMap<>();
  private final List<AutoCloseable> timers = new ArrayList<>();
  private final long epoch;
  private long nextZxid;
  private long lastAppended;
  private long lastApplied;
  private long lastDurable;
  private boolean syncInFlight;
  private long lastSyncStart;
  private boolean snapshotInFlight;
  private long appliedSinceSnapshot;
  private boolean closed;

  private Coordinator(CoordinatorConfig config, Scheduler scheduler, Recovery.Recovered recovered)
      throws IOException {
    this.config = config;
    this.scheduler = scheduler;
    this.tree = recovered.tree();
    this.sessions = recovered.sessions();
    this.log = recovered.log();
    this.snapshots = new SnapshotStore(config.dataDir().resolve("snapshots"));
    this.applier = new TxnApplier(tree, sessions);
    long last = Math.max(recovered.lastZxid(), log.lastZxid());
    this.epoch = (last >>> 32) + 1;
    this.nextZxid = (epoch << 32) | 1;
    this.lastAppended = recovered.lastZxid();
    this.lastApplied = recovered.lastZxid();
    this.lastDurable = recovered.lastZxid();
    long now = scheduler.now();
    long seed = ((long) config.nodeId() << 56) | ((now << 24) >>> 8);
    this.preparer = new TxnPreparer(tree, sessions,
        new TxnPreparer.Limits(config.maxDataBytes(), config.minSessionTimeoutMs(), config.maxSessionTimeoutMs()),
        seed);
    for (Map.Entry<Long, Integer> s : sessions.sessions().entrySet()) {
      tracker.track(s.getKey(), s.getValue(), now);
    }
  }

  /**
   * Recovers state from the data directory. Blocking: call it off the event loop, then call
   * {@link #start()} on the owner thread.
   */
  public static Coordinator open(CoordinatorConfig config, Scheduler scheduler) throws IOException {
    if (config.nodeId() < 1 || config.nodeId() > 254) {
      throw new IllegalArgumentException("nodeId must be in 1..254");
    }
    return new Coordinator(config, scheduler, Recovery.recover(config.dataDir(), config.log()));
  }

  /** Starts the timers: session expiry, container/TTL cleanup and group commit. Owner thread. */
  public void start() {
    timers.add(scheduler.periodic(config.tickMs(), this::tick));
    if (config.durability() == Durability.GROUP && config.groupCommitMs() > 0) {
      timers.add(scheduler.periodic(config.groupCommitMs(), this::groupCommit));
    }
    LOG.info("node {} serving at epoch {} (last zxid 0x{}), durability {}", config.nodeId(), epoch,
        Long.toHexString(lastApplied), config.durability());
  }

  public void addListener(CoordinatorListener listener) {
    listeners.add(listener);
  }

  public void removeListener(CoordinatorListener listener) {
    listeners.remove(listener);
  }

  public CoordinatorConfig config() {
    return config;
  }

  public ChronicleTxnLog log() {
    return log;
  }

  /** Whether a session is open (counting writes already ordered but not yet applied). */
  public boolean isSessionOpen(long sessionId) {
    return preparer.isSessionOpen(sessionId);
  }

  /** The node's wall clock, as used for entry times and expiry decisions. */
  public long now() {
    return scheduler.now();
  }

  /** zxid of the last applied (committed) entry. */
  public long lastApplied() {
    return lastApplied;
  }

  public long nodeCount() {
    return tree.nodeCount();
  }

  // ---------------------------------------------------------------- writes

  /** Orders a state-changing command; {@code sessionId} 0 means no session. */
  public void submit(long sessionId, Command command, Completion<List<OpResult>> reply) {
    Completion<List<OpResult>> done = command instanceof Command.Multi multi
        ? (r, e) -> reply.complete(e == null ? perOp(multi.ops(), r) : null, e)
        : reply;
    if (closed) {
      done.complete(null, new BatonException(ErrorCode.NOT_READY, "node is shutting down"));
      return;
    }
    long now = scheduler.now();
    if (sessionId != 0) {
      tracker.touch(sessionId, now);
    }
    LogEntry entry;
    try {
      entry = preparer.prepare(sessionId, command, nextZxid, now);
    } catch (BatonException e) {
      replyInOrder(sessionId, () -> done.complete(null, e));
      return;
    } catch (RuntimeException e) {
      LOG.error("preparing {} failed", command, e);
      BatonException err = new BatonException(ErrorCode.SYSTEM_ERROR, String.valueOf(e));
      replyInOrder(sessionId, () -> done.complete(null, err));
      return;
    }
    nextZxid++;
    log.append(entry);
    lastAppended = entry.getZxid();
    inflight.addLast(new Pending(entry.getZxid(), entry, sessionId, done, null));
    if (sessionId != 0) {
      sessionPending.merge(sessionId, 1, Integer::sum);
    }
    if (command instanceof Command.CloseSession close) {
      tracker.untrack(close.sessionId());
    }
    switch (config.durability()) {
      case NONE -> commit(lastAppended);
      case ALWAYS -> startSync();
      case GROUP -> {
        // an idle log syncs at once; while a sync runs, writes gather for the next one, which starts
        // when it ends or on the group-commit timer
        if (!syncInFlight) {
          startSync();
        }
      }
    }
  }

  /**
   * One result per op of a multi: the parents a {@code createParents} create made (applied as
   * CreateTxns of their own, each with a result) are folded into that op's own result.
   */
  static List<OpResult> perOp(List<Op> ops, List<OpResult> results) {
    if (results.size() == ops.size()) {
      return results;
    }
    List<OpResult> out = new ArrayList<>(ops.size());
    int r = 0;
    for (Op op : ops) {
      if (op instanceof Op.Create c && c.createParents()) {
        while (results.get(r) instanceof OpResult.Created made && c.path().startsWith(made.path() + "/")) {
          r++;
        }
      }
      out.add(results.get(r++));
    }
    return out;
  }

  /** Opens a session with the requested timeout; completes with the session id and timeout. */
  public void openSession(int requestedTimeoutMs, Completion<OpResult.SessionOpened> done) {
    submit(0, new Command.OpenSession(requestedTimeoutMs),
        (r, e) -> done.complete(e == null ? (OpResult.SessionOpened) r.get(0) : null, e));
  }

  /** Closes a session and deletes its ephemerals. */
  public void closeSession(long sessionId, Completion<Void> done) {
    if (sessionId == 0) {
      done.complete(null, BatonException.badArguments("no session to close"));
      return;
    }
    submit(sessionId, new Command.CloseSession(sessionId, CloseReason.CLOSED), (r, e) -> done.complete(null, e));
  }

  /** Keeps a session alive; fails with SessionExpired if it is unknown or gone. */
  public void heartbeat(long sessionId, Completion<Integer> done) {
    if (!preparer.isSessionOpen(sessionId) || !tracker.touch(sessionId, scheduler.now())) {
      done.complete(null, expired(sessionId));
      return;
    }
    done.complete(sessions.timeout(sessionId), null);
  }

  /** Completes once every write ordered before it is applied (ZooKeeper's sync). */
  public void sync(long sessionId, String path, Completion<String> done) {
    try {
      PathValidator.validate(path);
      checkSession(sessionId);
    } catch (BatonException e) {
      done.complete(null, e);
      return;
    }
    if (inflight.isEmpty()) {
      done.complete(path, null);
    } else {
      inflight.addLast(new Pending(lastAppended, null, sessionId, null, () -> done.complete(path, null)));
    }
  }

  // ---------------------------------------------------------------- reads

  /** Runs a read against applied state, after the session's own earlier writes. */
  public <T> void read(long sessionId, Supplier<T> read, Completion<T> done) {
    try {
      checkSession(sessionId);
    } catch (BatonException e) {
      done.complete(null, e);
      return;
    }
    replyInOrder(sessionId, () -> {
      T value;
      try {
        value = read.get();
      } catch (BatonException e) {
        done.complete(null, e);
        return;
      }
      done.complete(value, null);
    });
  }

  /** Data and stat of a node; with {@code watch}, a one-shot data watch (only if it exists). */
  public NodeData getData(long sessionId, String path, boolean watch) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node == null) {
      throw BatonException.noNode(path);
    }
    if (watch) {
      watches.addDataWatch(path, requireWatcher(sessionId));
    }
    return new NodeData(node.data(), node.stat());
  }

  /** Stat of a node or null; with {@code watch}, a one-shot data watch whether or not it exists. */
  public io.baton.core.tree.Stat exists(long sessionId, String path, boolean watch) {
    Znode node = tree.get(PathValidator.validate(path));
    if (watch) {
      watches.addDataWatch(path, requireWatcher(sessionId));
    }
    return node == null ? null : node.stat();
  }

  /** Sorted child names and stat; with {@code watch}, a one-shot child watch (only if it exists). */
  public Children getChildren(long sessionId, String path, boolean watch) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node == null) {
      throw BatonException.noNode(path);
    }
    if (watch) {
      watches.addChildWatch(path, requireWatcher(sessionId));
    }
    List<String> names = new ArrayList<>(node.children().keySet());
    Collections.sort(names);
    return new Children(names, node.stat());
  }

  /** The calling session's ephemeral nodes at or below {@code prefix} (ZooKeeper 3.6 getEphemerals). */
  public List<String> getEphemerals(long sessionId, String prefix) {
    PathValidator.validate(prefix);
    List<String> out = new ArrayList<>();
    for (String p : tree.ephemerals(requireWatcher(sessionId))) {
      if (Paths.isAtOrBelow(p, prefix)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Adds a persistent or persistent-recursive watch for the session. */
  public void addWatch(long sessionId, String path, AddWatchMode mode) {
    watches.addWatch(PathValidator.validate(path), mode, requireWatcher(sessionId));
  }

  /** Removes the session's watches of a type on a path; NoWatcher if there were none. */
  public List<WatchEvent> removeWatches(long sessionId, String path, WatcherType type) {
    List<WatchEvent> removed = watches.remove(PathValidator.validate(path), type, requireWatcher(sessionId),
        lastApplied);
    if (removed.isEmpty()) {
      throw new BatonException(ErrorCode.NO_WATCHER, "no " + type.name().toLowerCase() + " watch on " + path);
    }
    return removed;
  }

  /** Number of (path, session) watch registrations. */
  public int watchCount() {
    return watches.size();
  }

  /** Digest of the applied state: tree digest, node count, open sessions, last zxid. */
  public StateDigest digest() {
    return StateDigest.of(tree, sessions, lastApplied);
  }

  // ---------------------------------------------------------------- snapshots

  /** Takes a snapshot now; completes with its zxid once it is on disk. */
  public void snapshot(Completion<Long> done) {
    if (snapshotInFlight) {
      done.complete(null, new BatonException(ErrorCode.NOT_READY, "a snapshot is already being written"));
      return;
    }
    snapshotInFlight = true;
    appliedSinceSnapshot = 0;
    long start = System.nanoTime();
    SnapshotStore.Image image = SnapshotStore.capture(lastApplied, tree, sessions);
    long captureMs = (System.nanoTime() - start) / 1_000_000;
    scheduler.runBlocking(() -> {
      BatonException error = null;
      long oldestKept = -1;
      try {
        snapshots.write(image);
        oldestKept = snapshots.retain(config.snapshotsRetained());
      } catch (IOException | RuntimeException e) {
        LOG.error("snapshot at zxid 0x{} failed", Long.toHexString(image.zxid()), e);
        error = new BatonException(ErrorCode.SYSTEM_ERROR, "snapshot failed: " + e);
      }
      BatonException failure = error;
      long keepFrom = oldestKept;
      scheduler.runOnOwner(() -> {
        snapshotInFlight = false;
        if (failure != null) {
          done.complete(null, failure);
          return;
        }
        LOG.info("snapshot at zxid 0x{}: {} bytes, captured in {} ms", Long.toHexString(image.zxid()),
            image.length(), captureMs);
        if (keepFrom > 0 && !closed) {
          try {
            log.purge(keepFrom);
          } catch (IOException | RuntimeException e) {
            LOG.warn("log purge failed", e);
          }
        }
        done.complete(image.zxid(), null);
      });
    });
  }

  // ---------------------------------------------------------------- internals

  private void replyInOrder(long sessionId, Runnable reply) {
    if (sessionId != 0 && sessionPending.getOrDefault(sessionId, 0) > 0) {
      inflight.addLast(new Pending(lastAppended, null, sessionId, null, reply));
    } else {
      reply.run();
    }
  }

  private void checkSession(long sessionId) {
    if (sessionId != 0) {
      if (!preparer.isSessionOpen(sessionId)) {
        throw expired(sessionId);
      }
      tracker.touch(sessionId, scheduler.now());
    }
  }

  private static long requireWatcher(long sessionId) {
    if (sessionId == 0) {
      throw BatonException.badArguments("watches and ephemerals need a session");
    }
    return sessionId;
  }

  private static BatonException expired(long sessionId) {
    return new BatonException(ErrorCode.SESSION_EXPIRED, "session 0x" + Long.toHexString(sessionId)
        + " is unknown, closed or expired");
  }

  private void groupCommit() {
    if (lastAppended > lastDurable) {
      startSync();
    }
  }

  private void startSync() {
    if (syncInFlight || closed) {
      return;
    }
    syncInFlight = true;
    lastSyncStart = System.nanoTime();
    long target = lastAppended;
    scheduler.runBlocking(() -> {
      Throwable failure = null;
      try {
        log.sync();
      } catch (RuntimeException e) {
        failure = e;
      }
      Throwable f = failure;
      scheduler.runOnOwner(() -> synced(target, f));
    });
  }

  private void synced(long target, Throwable failure) {
    syncInFlight = false;
    if (failure != null) {
      LOG.error("log sync failed; writes stay unacknowledged and the sync is retried", failure);
      return;
    }
    lastDurable = Math.max(lastDurable, target);
    commit(lastDurable);
    if (lastAppended > lastDurable && (config.durability() == Durability.ALWAYS
        || System.nanoTime() - lastSyncStart >= config.groupCommitMs() * 1_000_000L)) {
      startSync();
    }
  }

  private void commit(long upTo) {
    while (!inflight.isEmpty() && inflight.peekFirst().zxid <= upTo) {
      Pending p = inflight.pollFirst();
      if (p.entry != null) {
        apply(p);
      } else {
        p.deferred.run();
      }
    }
  }

  private void apply(Pending p) {
    LogEntry entry = p.entry;
    List<OpResult> results = applier.apply(entry);
    lastApplied = entry.getZxid();
    preparer.applied(lastApplied);
    List<ChangeEvent> events = ChangeEvents.of(entry);
    List<WatchManager.Delivery> deliveries = new ArrayList<>();
    for (ChangeEvent ev : events) {
      switch (ev.kind()) {
        case NODE_CREATED -> {
          watches.trigger(ev.path(), EventType.NodeCreated, ev.zxid(), deliveries);
          watches.trigger(Paths.parent(ev.path()), EventType.NodeChildrenChanged, ev.zxid(), deliveries);
        }
        case NODE_DELETED -> {
          watches.trigger(ev.path(), EventType.NodeDeleted, ev.zxid(), deliveries);
          watches.trigger(Paths.parent(ev.path()), EventType.NodeChildrenChanged, ev.zxid(), deliveries);
        }
        case NODE_DATA_CHANGED -> watches.trigger(ev.path(), EventType.NodeDataChanged, ev.zxid(), deliveries);
        case SESSION_OPENED -> tracker.track(ev.sessionId(), ev.version(), scheduler.now());
        case SESSION_CLOSED -> {
          watches.removeSession(ev.sessionId());
          tracker.untrack(ev.sessionId());
        }
      }
    }
    for (WatchManager.Delivery d : deliveries) {
      for (CoordinatorListener l : listeners) {
        l.watchEvent(d.sessionId(), d.event());
      }
    }
    for (CoordinatorListener l : listeners) {
      l.committed(entry, events);
    }
    for (ChangeEvent ev : events) {
      if (ev.kind() == ChangeEvent.Kind.SESSION_CLOSED) {
        boolean expired = CloseReason.EXPIRED.name().equals(ev.cause());
        for (CoordinatorListener l : listeners) {
          l.sessionEnded(ev.sessionId(), expired);
        }
      }
    }
    if (p.sessionId != 0) {
      decrementPending(p.sessionId);
    }
    p.done.complete(results, null);
    appliedSinceSnapshot++;
    if (config.snapshotEveryEntries() > 0 && appliedSinceSnapshot >= config.snapshotEveryEntries()
        && !snapshotInFlight && !closed) {
      snapshot((zxid, e) -> {
      });
    }
  }

  private void decrementPending(long sessionId) {
    sessionPending.computeIfPresent(sessionId, (k, v) -> v <= 1 ? null : v - 1);
  }

  private void tick() {
    if (closed) {
      return;
    }
    long now = scheduler.now();
    for (long sessionId : tracker.expired(now)) {
      tracker.untrack(sessionId);
      LOG.info("session 0x{} expired", Long.toHexString(sessionId));
      submit(0, new Command.CloseSession(sessionId, CloseReason.EXPIRED), (r, e) -> {
        if (e != null && e.code() != ErrorCode.SESSION_EXPIRED) {
          LOG.warn("expiring session 0x{} failed: {}", Long.toHexString(sessionId), e.getMessage());
        }
      });
    }
    for (String path : List.copyOf(tree.containers())) {
      Znode node = tree.get(path);
      if (node != null && node.numChildren() == 0 && node.cversion() > 0) {
        submit(0, new Command.Reap(path, DeleteCause.CONTAINER), (r, e) -> {
        });
      }
    }
    for (String path : List.copyOf(tree.ttlNodes())) {
      Znode node = tree.get(path);
      if (node != null && node.numChildren() == 0
          && now - node.mtime() >= EphemeralOwner.ttlMillis(node.ephemeralOwner())) {
        submit(0, new Command.Reap(path, DeleteCause.TTL), (r, e) -> {
        });
      }
    }
  }

  /** Syncs and applies everything appended, stops the timers and closes the log. Owner thread; blocks. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable t : timers) {
      try {
        t.close();
      } catch (Exception ignored) {
        // timer already gone
      }
    }
    try {
      log.sync();
      commit(lastAppended);
    } finally {
      log.close();
    }
  }

  private static final class Pending {
    final long zxid;
    final LogEntry entry;
    final long sessionId;
    final Completion<List<OpResult>> done;
    final Runnable deferred;

    Pending(long zxid, LogEntry entry, long sessionId, Completion<List<OpResult>> done, Runnable deferred) {
      this.zxid = zxid;
      this.entry = entry;
      this.sessionId = sessionId;
      this.done = done;
      this.deferred = deferred;
    }
  }
}
