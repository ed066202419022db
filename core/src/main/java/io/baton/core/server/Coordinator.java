package io.baton.core.server;

import io.baton.core.acl.NodeAcl;
import io.baton.core.auth.Caller;
import io.baton.core.auth.ClientAuth;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.session.SessionSecrets;
import io.baton.core.session.SessionTable;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.tree.Children;
import io.baton.core.quota.QuotaIndex;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.PathValidator;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.txn.TxnApplier;
import io.baton.core.txn.TxnPreparer;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.SetWatches;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatchManager;
import io.baton.core.watch.WatcherType;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 *
 * <p>Alone, a node orders, logs and commits its writes itself. As one node of a cluster (see
 * {@link #replicate}), only the leader orders writes: it proposes each entry to its
 * {@link Replication} and applies it once the cluster has committed it; followers forward their
 * clients' writes to the leader, apply every committed entry, and serve reads from their own state.
 * Every node appends what it applies to its own transaction log, so change streams, snapshots and
 * recovery work the same on each.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
  private static final Completion<List<OpResult>> IGNORE = (r, e) -> {
  };

  private final CoordinatorConfig config;
  private final Scheduler scheduler;
  private final DataTree tree;
  private final SessionTable sessions;
  private final TxnApplier applier;
  private final TxnPreparer preparer;
  private final WatchManager watches;
  private final SessionLiveness liveness;
  private final SnapshotStore snapshots;
  private final Snapshotter snapshotter;
  private final LocalDurability durability;
  private final SessionReplies replies = new SessionReplies();
  private final Reads reads;
  private final ChangeDispatcher dispatcher;
  private final Reaper reaper;
  private final Forwards forwards;
  private final ChronicleTxnLog log;
  private final DataDirLock dirLock;
  private final ClientAuth auth;
  private final List<CoordinatorListener> listeners = new CopyOnWriteArrayList<>();
  private final InFlightWrites inflight = new InFlightWrites();
  private final List<AutoCloseable> timers = new ArrayList<>();
  private final NodeViews views;
  private volatile NodeObserver observer = NodeObserver.NONE;
  private Replication replication;
  private boolean leading;
  private long nextZxid;
  private long lastAppended;
  private long lastApplied;
  private boolean closed;
  private boolean halted;
  private FatalErrorHandler fatal = (zxid, reason, cause) -> {
  };

  private Coordinator(CoordinatorConfig config, Scheduler scheduler, Recovery.Recovered recovered,
                      DataDirLock dirLock) throws IOException {
    this.config = config;
    this.dirLock = dirLock;
    this.auth = new ClientAuth(config.auth(), SessionSecrets.load(config.dataDir()));
    this.scheduler = scheduler;
    this.tree = recovered.tree();
    this.sessions = recovered.sessions();
    this.log = recovered.log();
    this.snapshots = new SnapshotStore(config.dataDir().resolve("snapshots"));
    this.applier = new TxnApplier(tree, sessions);
    this.watches = new WatchManager(config.limits().maxWatchesPerSession());
    this.snapshotter = new Snapshotter(config, scheduler, snapshots, log, tree, sessions, listeners, () -> closed,
        this::observer);
    this.reads = new Reads(tree, watches, config.limits(), () -> lastApplied);
    this.liveness = new SessionLiveness(config.tickMs());
    this.dispatcher = new ChangeDispatcher(watches, new WatchAcls(tree, auth), liveness, auth, listeners, scheduler);
    this.reaper = new Reaper(tree);
    this.views = new NodeViews(this, tree, sessions, watches);
    long last = Math.max(recovered.lastZxid(), log.lastZxid());
    this.nextZxid = (((last >>> 32) + 1) << 32) | 1;
    this.lastAppended = recovered.lastZxid();
    this.lastApplied = recovered.lastZxid();
    this.durability = new LocalDurability(config, scheduler, log, this::observer, recovered.lastZxid(),
        () -> lastAppended, this::commit, () -> closed || halted);
    long now = scheduler.now();
    long seed = ((long) config.nodeId() << 56) | ((now << 24) >>> 8);
    this.forwards = new Forwards(config.nodeId(), now);
    this.preparer = new TxnPreparer(tree, sessions, config.limits(), config.minSessionTimeoutMs(),
        config.maxSessionTimeoutMs(), seed);
    liveness.trackAll(sessions.sessions(), now);
  }

  /**
   * Locks the data directory (see {@link DataDirLock}; fails if another node holds it) and recovers
   * state from it. Blocking: call it off the event loop, then call {@link #start()} on the owner thread.
   */
  public static Coordinator open(CoordinatorConfig config, Scheduler scheduler) throws IOException {
    if (config.nodeId() < 1 || config.nodeId() > 254) {
      throw new IllegalArgumentException("nodeId must be in 1..254");
    }
    DataDirLock lock = DataDirLock.acquire(config.dataDir());
    try {
      return new Coordinator(config, scheduler, Recovery.recover(config.dataDir(), config.log()), lock);
    } catch (IOException | RuntimeException | Error e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Makes this node one member of a cluster: writes are committed by {@code replication} instead of
   * this node's durability policy, and session secrets are the cluster's ({@code secrets}, the same on
   * every member, so that a session resumes anywhere). Call before {@link #start()}.
   */
  public void replicate(Replication replication, SessionSecrets secrets) {
    this.replication = replication;
    auth.sessionSecrets(secrets);
  }

  /** Session secrets, identities and access rules of this node's clients. */
  public ClientAuth auth() {
    return auth;
  }

  /**
   * {@link #submit(long, Command, Completion)} for a client: refused first if {@code caller} may not
   * write so (the recipe tree), then checked against the nodes' ACLs for {@code caller} where the
   * write is ordered.
   */
  public void submit(Caller caller, long sessionId, Command command, Completion<List<OpResult>> reply) {
    try {
      auth.access().checkWrite(caller, command);
    } catch (BatonException e) {
      reply.complete(null, e);
      return;
    }
    submitAs(caller, sessionId, command, reply);
  }



  /** Starts the timers: session expiry, container/TTL cleanup and group commit. Owner thread. */
  public void start() {
    liveness.start();
    timers.add(scheduler.periodic(config.tickMs(), this::tick));
    if (replication == null && config.durability() == Durability.GROUP && config.groupCommitMs() > 0) {
      timers.add(scheduler.periodic(config.groupCommitMs(), durability::groupCommit));
    }
    if (replication == null) {
      LOG.info("node {} serving at epoch {} (last zxid 0x{}), durability {}", config.nodeId(), nextZxid >>> 32,
          Long.toHexString(lastApplied), config.durability());
    } else {
      LOG.info("node {} joining its cluster at zxid 0x{}", config.nodeId(), Long.toHexString(lastApplied));
    }
  }

  /** What the host does when this node must stop (see {@link #halt}); by default nothing more than halting. */
  public void onFatal(FatalErrorHandler handler) {
    this.fatal = handler;
  }

  /** Whether this node stopped on a fatal error. */
  public boolean isHalted() {
    return halted;
  }

  /**
   * Stops this node for good after a fatal error (a committed entry that cannot be applied, a
   * failed append, a broken invariant): logs one ERROR naming the zxid and the cause, acknowledges
   * nothing more (writes waiting for their entry get ConnectionLoss, every later request NotReady),
   * stops the timers and hands over to the host's {@link FatalErrorHandler}. Owner thread.
   */
  public void halt(long zxid, String reason, Throwable cause) {
    if (halted) {
      return;
    }
    halted = true;
    LOG.error("FATAL: node {} halts at zxid 0x{}: {}. It acknowledges nothing more. If it refuses to restart, "
        + "see docs/log.md (LogTool truncate; a cluster member: empty its data directory)", config.nodeId(),
        Long.toHexString(zxid), reason, cause);
    for (AutoCloseable t : timers) {
      try {
        t.close();
      } catch (Exception ignored) {
        // timer already gone
      }
    }
    timers.clear();
    inflight.failAll(connectionLoss("node " + config.nodeId() + " halted on a fatal error"));
    forwards.failDue(Long.MAX_VALUE);
    fatal.halt(zxid, reason, cause);
  }

  private BatonException haltedError() {
    return new BatonException(ErrorCode.NOT_READY, "node " + config.nodeId() + " halted on a fatal error");
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

  public SnapshotStore snapshots() {
    return snapshots;
  }

  /** Whether a session is open (counting writes already ordered but not yet applied). */
  public boolean isSessionOpen(long sessionId) {
    return preparer.isSessionOpen(sessionId);
  }

  /** The node's wall clock, as used for entry times and expiry decisions. */
  public long now() {
    return scheduler.now();
  }

  /** The quotas in force and each one's usage (ZooKeeper's {@code zookeeper_stats}); owner thread, read only. */
  public QuotaIndex quotas() {
    return tree.quotas();
  }

  /** Reports this node's timings and request outcomes to {@code o} (the admin face's meters); any thread. */
  public void observe(NodeObserver o) {
    this.observer = o == null ? NodeObserver.NONE : o;
  }

  /** Where faces report request outcomes ({@link NodeObserver#NONE} when nobody observes). */
  public NodeObserver observer() {
    return observer;
  }

  /** Read-only views of this node's state for operators (status, tree pages, sessions); owner thread. */
  public NodeViews views() {
    return views;
  }

  /** Writes ordered or forwarded here and not answered yet (ZooKeeper's outstanding requests); owner thread. */
  public int outstanding() {
    return inflight.size() + forwards.size();
  }

  /** zxid of the last applied (committed) entry. */
  public long lastApplied() {
    return lastApplied;
  }

  public long nodeCount() {
    return tree.nodeCount();
  }

  // ---------------------------------------------------------------- writes

  /** Orders a state-changing command of Baton's own (no ACL applies); {@code sessionId} 0 means no session. */
  public void submit(long sessionId, Command command, Completion<List<OpResult>> reply) {
    submitAs(Caller.SYSTEM, sessionId, command, reply);
  }

  private void submitAs(Caller caller, long sessionId, Command command, Completion<List<OpResult>> reply) {
    Completion<List<OpResult>> done = command instanceof Command.Multi multi
        ? (r, e) -> reply.complete(e == null ? multi.perOp(r) : null, e)
        : reply;
    if (closed || halted) {
      done.complete(null, halted ? haltedError() : new BatonException(ErrorCode.NOT_READY, "node is shutting down"));
      return;
    }
    if (sessionId != 0) {
      touch(sessionId);
    }
    if (replication != null && !leading) {
      forward(sessionId, command, caller, replies.reserve(sessionId, done));
      return;
    }
    LogEntry entry;
    try {
      entry = prepare(sessionId, command, caller);
    } catch (BatonException e) {
      refuse(replies.reserve(sessionId, done), e);
      return;
    }
    if (replication != null) {
      inflight.write(entry, replies.reserve(sessionId, done));
      replication.propose(0, entry);
      return;
    }
    // an entry is applied only once it is in the log: a failed append is fatal, never applied
    Completion<List<OpResult>> answer = replies.reserve(sessionId, done);
    try {
      log.append(entry);
    } catch (RuntimeException e) {
      halt(entry.getZxid(), "appending the entry to the log failed: " + e, e);
      answer.complete(null, connectionLoss("node " + config.nodeId() + " could not log the write"));
      return;
    }
    inflight.write(entry, answer);
    durability.appended();
  }

  /**
   * Answers a refused command. The refusal may rest on entries ordered but not yet applied (a
   * BadVersion against a pending write): then it is held until they are, like ZooKeeper's error
   * transactions, and becomes ConnectionLoss if they are lost (the leader stepped down).
   */
  private void refuse(Completion<List<OpResult>> done, BatonException e) {
    if (lastAppended > lastApplied) {
      inflight.refusal(lastAppended, done, e);
    } else {
      done.complete(null, e);
    }
  }

  /** Resolves a command into the next entry; the leader (or the lone node) only. */
  private LogEntry prepare(long sessionId, Command command, Caller caller) {
    LogEntry entry;
    try {
      entry = preparer.prepare(sessionId, command, caller, nextZxid, scheduler.now());
    } catch (BatonException e) {
      if (e.code() == ErrorCode.TOO_LARGE || e.code() == ErrorCode.THROTTLED) {
        LOG.info("refused a write of session 0x{}: {}", Long.toHexString(sessionId), e.getMessage());
      }
      throw e;
    } catch (RuntimeException e) {
      LOG.error("preparing {} failed", command, e);
      throw new BatonException(ErrorCode.SYSTEM_ERROR, String.valueOf(e));
    }
    nextZxid++;
    lastAppended = entry.getZxid();
    if (command instanceof Command.CloseSession close) {
      liveness.untrack(close.sessionId());
    }
    return entry;
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

  /**
   * Keeps a session alive; fails with SessionExpired if it is unknown or gone, and in a cluster with
   * ConnectionLoss while this node is cut off from the leader (the client should go elsewhere).
   */
  public void heartbeat(long sessionId, Completion<Integer> done) {
    if (replication != null && !replication.inContact()) {
      done.complete(null, new BatonException(ErrorCode.CONNECTION_LOSS, "node " + config.nodeId()
          + " is not in contact with a leader; try another node"));
      return;
    }
    if (halted) {
      done.complete(null, haltedError());
      return;
    }
    if (!preparer.isSessionOpen(sessionId) || !touch(sessionId)) {
      done.complete(null, expired(sessionId));
      return;
    }
    done.complete(sessions.timeout(sessionId), null);
  }

  /**
   * Completes once every write ordered before it is applied (ZooKeeper's sync). In a cluster it is
   * an empty transaction through the leader, so a read after it sees every write committed before
   * the sync began, wherever it was made (a linearizable read). The session's later requests are
   * answered after it, like those after a write.
   */
  public void sync(long sessionId, String path, Completion<String> done) {
    if (halted) {
      done.complete(null, haltedError());
      return;
    }
    try {
      PathValidator.validate(path);
      checkSession(sessionId);
    } catch (BatonException e) {
      done.complete(null, e);
      return;
    }
    if (replication != null) {
      submit(sessionId, new Command.Multi(List.of()), (r, e) -> done.complete(e == null ? path : null, e));
    } else if (inflight.isEmpty()) {
      done.complete(path, null);
    } else {
      // a slot in the session's reply order, so that the session's later reads wait for the sync
      Completion<String> answer = replies.reserve(sessionId, done);
      inflight.deferred(lastAppended, () -> answer.complete(path, null));
    }
  }

  // ---------------------------------------------------------------- reads

  /** Runs a read against applied state, after the session's own earlier writes. */
  public <T> void read(long sessionId, Supplier<T> read, Completion<T> done) {
    if (halted) {
      done.complete(null, haltedError());
      return;
    }
    try {
      checkSession(sessionId);
    } catch (BatonException e) {
      done.complete(null, e);
      return;
    }
    replies.run(sessionId, () -> {
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

  /** The reads of applied state and their watches; a face runs a client's read through {@link #read}. */
  public Reads reads() {
    return reads;
  }

  /**
   * NotReady unless this node has applied {@code seenZxid}: a client that has seen it must not be
   * served older state here (it should try another node, or wait).
   */
  public void requireApplied(long seenZxid) {
    if (seenZxid > lastApplied) {
      throw new BatonException(ErrorCode.NOT_READY, "this node has applied zxid 0x" + Long.toHexString(lastApplied)
          + ", behind the client's 0x" + Long.toHexString(seenZxid));
    }
  }

  /** Log syncs that failed in a row (0 when the last one succeeded); writes wait while it is not 0. */
  public int syncFailures() {
    return durability.failures();
  }

  /** Digest of the applied state: tree digest, node count, open sessions, last zxid. */
  public StateDigest digest() {
    return StateDigest.of(tree, sessions, lastApplied);
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * A snapshot asked for by a client (the {@code snapshot} admin operation), if the
   * {@link ClientSnapshotPolicy} allows it now; automatic snapshots are not counted.
   */
  public void requestSnapshot(Completion<Long> done) {
    snapshotter.request(lastApplied, done);
  }

  /**
   * Takes a snapshot now; completes with its zxid once it is on disk. Whatever fails, the in-flight
   * state is cleared, the failure is logged once and {@code done} completes with SystemError.
   */
  public void snapshot(Completion<Long> done) {
    snapshotter.take(lastApplied, done);
  }

  // ---------------------------------------------------------------- cluster (replication driver calls)

  /** Whether this node orders writes: always alone, in a cluster only while it is the ready leader. */
  public boolean isLeading() {
    return replication == null || leading;
  }

  /**
   * This node leads {@code term} and has applied every entry before the term's first: it orders
   * writes from now on with zxids of epoch {@code term}, and every open session gets a fresh timeout
   * (it cannot know when they were last heard of elsewhere).
   */
  public void lead(long term) {
    leading = true;
    nextZxid = (term << 32) | 1;
    lastAppended = lastApplied;
    liveness.trackAll(sessions.sessions(), scheduler.now());
    LOG.info("node {} leads term {} from zxid 0x{} with {} sessions", config.nodeId(), term,
        Long.toHexString(lastApplied), sessions.sessions().size());
  }

  /**
   * This node stopped leading: the writes it ordered that are not applied yet are answered with
   * ConnectionLoss (the cluster may still commit them; then they are applied like any other entry).
   */
  public void stepDown() {
    if (!leading) {
      return;
    }
    leading = false;
    preparer.discardPending();
    lastAppended = lastApplied;
    int dropped = inflight.failAll(connectionLoss("node " + config.nodeId() + " stopped leading"));
    LOG.info("node {} stopped leading at zxid 0x{}; {} unapplied writes answered ConnectionLoss", config.nodeId(),
        Long.toHexString(lastApplied), dropped);
  }

  /** A new term began: writes forwarded to the previous leader are answered with ConnectionLoss. */
  public void termChanged() {
    stepDown();
    forwards.failDue(Long.MAX_VALUE);
  }

  /**
   * The cluster committed {@code entry} ({@code encoded}: its Avro single-object encoding); entries
   * arrive in log order. Appends it to this node's log,
   * applies it and answers the request it came from if that was made here ({@code origin} is the
   * tag of a forwarded request, 0 otherwise).
   */
  public void applyCommitted(long origin, LogEntry entry, byte[] encoded) {
    long zxid = entry.getZxid();
    if (halted || zxid <= lastApplied) {
      return;
    }
    try {
      applier.check(entry);
    } catch (RuntimeException e) {
      halt(zxid, "the cluster committed an entry this node cannot apply: " + e.getMessage(), e);
      return;
    }
    try {
      log.append(entry, encoded);
    } catch (RuntimeException e) {
      halt(zxid, "appending a committed entry to the log failed: " + e, e);
      return;
    }
    lastAppended = Math.max(lastAppended, zxid);
    InFlightWrites.Pending own = inflight.takeWrite(zxid);
    if (own != null) {
      applyWrite(own);
    } else {
      Completion<List<OpResult>> f = origin == 0 ? null : forwards.remove(origin);
      apply(entry, f == null ? IGNORE : f);
    }
    inflight.answerRefusals(lastApplied);
  }

  /**
   * On the leader: orders a command a follower forwarded under {@code tag}; a refusal goes back
   * through {@link Replication#reject}. Also used for this node's own requests that waited for a
   * leader while there was none.
   */
  public void submitForwarded(long tag, long sessionId, Command command, Caller caller) {
    Completion<List<OpResult>> own = forwards.remove(tag);
    Completion<List<OpResult>> done = own != null ? own : (r, e) -> {
      if (e != null) {
        replication.reject(tag, e);
      }
    };
    if (!leading || halted) {
      done.complete(null, connectionLoss("node " + config.nodeId() + " is not the leader"));
      return;
    }
    if (sessionId != 0) {
      liveness.touch(sessionId, scheduler.now());
    }
    LogEntry entry;
    try {
      entry = prepare(sessionId, command, caller);
    } catch (BatonException e) {
      refuse(done, e);
      return;
    }
    inflight.write(entry, done);
    replication.propose(tag, entry);
  }

  /**
   * Replaces the whole state with a snapshot the leader sent (this node was too far behind for the
   * log). Writes in flight get ConnectionLoss, every watch fires (what changed is unknown), sessions
   * that ended in between are reported ended, change streams end with Compacted (the log has a gap
   * up to the snapshot), and applying continues after {@code loaded.zxid()}.
   */
  public void installSnapshot(SnapshotStore.Loaded loaded) throws IOException {
    termChanged();
    Set<Long> before = Set.copyOf(sessions.sessions().keySet());
    tree.replaceWith(loaded.tree());
    sessions.replaceWith(loaded.sessions());
    long zxid = loaded.zxid();
    log.skipTo(zxid);
    lastApplied = zxid;
    lastAppended = zxid;
    preparer.applied(zxid);
    liveness.trackAll(sessions.sessions(), scheduler.now());
    dispatcher.replaced(zxid, tree, sessions, before);
    LOG.info("node {} installed the leader's snapshot at zxid 0x{}: {} nodes, {} sessions", config.nodeId(),
        Long.toHexString(zxid), tree.nodeCount(), sessions.sessions().size());
  }

  /** Whether a request forwarded under {@code tag} still waits for its outcome. */
  public boolean isForwardPending(long tag) {
    return forwards.isPending(tag);
  }

  /** The leader refused the request forwarded under {@code tag}. */
  public void forwardRejected(long tag, BatonException error) {
    Completion<List<OpResult>> f = forwards.remove(tag);
    if (f != null) {
      f.complete(null, error);
    }
  }

  /** On the leader: sessions that were active at a follower stay alive. */
  public void touchSessions(long[] sessionIds) {
    if (!leading) {
      return;
    }
    long now = scheduler.now();
    for (long id : sessionIds) {
      liveness.touch(id, now);
    }
  }

  private void forward(long sessionId, Command command, Caller caller, Completion<List<OpResult>> done) {
    replication.forward(forwards.add(done, scheduler.now()), sessionId, command, caller);
  }

  static BatonException connectionLoss(String why) {
    return new BatonException(ErrorCode.CONNECTION_LOSS, why + "; the write may or may not have been applied");
  }

  // ---------------------------------------------------------------- internals

  private void checkSession(long sessionId) {
    if (sessionId != 0) {
      if (!preparer.isSessionOpen(sessionId)) {
        throw expired(sessionId);
      }
      touch(sessionId);
    }
  }

  private boolean touch(long sessionId) {
    if (replication != null && !leading) {
      replication.touched(sessionId);
    }
    return liveness.touch(sessionId, scheduler.now());
  }

  private static BatonException expired(long sessionId) {
    return new BatonException(ErrorCode.SESSION_EXPIRED, "session 0x" + Long.toHexString(sessionId)
        + " is unknown, closed or expired");
  }

  /** Everything up to {@code upTo} is durable (a lone node): apply and answer it in order. */
  private void commit(long upTo) {
    inflight.committed(upTo, this::applyWrite);
  }

  private void applyWrite(InFlightWrites.Pending p) {
    observer.committed(System.nanoTime() - p.createdNanos());
    apply(p.entry(), p.done());
  }

  private void apply(LogEntry entry, Completion<List<OpResult>> done) {
    long start = System.nanoTime();
    List<OpResult> results;
    try {
      dispatcher.beforeApply(entry);
      results = applier.apply(entry);
    } catch (RuntimeException e) {
      halt(entry.getZxid(), "a committed entry cannot be applied: " + e.getMessage(), e);
      done.complete(null, connectionLoss("node " + config.nodeId() + " could not apply the write"));
      return;
    }
    lastApplied = entry.getZxid();
    preparer.applied(lastApplied);
    dispatcher.applied(entry);
    done.complete(results, null);
    observer.applied(System.nanoTime() - start);
    snapshotter.applied(lastApplied);
  }

  private void tick() {
    if (closed || halted) {
      return;
    }
    durability.retryFailed();
    long now = scheduler.now();
    List<Long> due = liveness.tick(now, isLeading());
    if (replication != null) {
      forwards.failDue(now);
      if (!leading) {
        return;
      }
    }
    for (long sessionId : due) {
      liveness.untrack(sessionId);
      LOG.info("session 0x{} expired", Long.toHexString(sessionId));
      submit(0, new Command.CloseSession(sessionId, CloseReason.EXPIRED), (r, e) -> {
        if (e != null && e.code() != ErrorCode.SESSION_EXPIRED) {
          LOG.warn("expiring session 0x{} failed: {}", Long.toHexString(sessionId), e.getMessage());
        }
      });
    }
    reaper.tick(now, (path, cause) -> submit(0, new Command.Reap(path, cause), (r, e) -> {
    }));
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
    snapshotter.close();
    try {
      if (halted) {
        return;
      }
      log.sync();
      if (replication == null) {
        commit(lastAppended);
      } else {
        stepDown();
        forwards.failDue(Long.MAX_VALUE);
      }
    } finally {
      try {
        log.close();
      } finally {
        try {
          dirLock.close();
        } catch (IOException e) {
          LOG.warn("releasing the data directory lock failed", e);
        }
      }
    }
  }
}
