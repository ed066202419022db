package io.baton.core.replication;

import io.baton.core.auth.Caller;
import io.baton.core.error.BatonException;
import io.baton.core.log.LogCodec;
import io.baton.core.replication.RaftCodec.MalformedMessageException;
import io.baton.core.server.Coordinator;
import io.baton.core.server.CoordinatorListener;
import io.baton.core.server.Replication;
import io.baton.core.server.Scheduler;
import io.baton.core.server.SyncPlacement;
import io.baton.core.session.SessionSecrets;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.txn.Command;
import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RaftNode} for a {@link Coordinator}: the host loop of etcd's raft library on the
 * coordinator's owner thread. It ticks the node, steps received frames, persists each
 * {@link Ready} to the {@link RaftStorage} (writes on the owner thread, the fsync where
 * {@link SyncPlacement} puts it; nothing that depends on it is sent or applied before it ends), sends messages through the
 * {@link PeerNetwork}, and hands committed entries to the coordinator in order.
 *
 * <p>A replicated entry's payload is an {@link EntryPayload}: the tag of the forwarded request it
 * answers and the Avro-encoded {@link LogEntry}. The node becomes the coordinator's ordering leader only once it has applied everything
 * up to its term's first entry, so its view of pending changes is exact.
 *
 * <p>Snapshots: each coordinator snapshot is recorded with its Raft position (index and term of the
 * last entry it holds; the newest one also in {@code raft-position} next to the snapshot files) and
 * the Raft log is compacted to {@code catchUpEntries} before it. A follower that needs entries
 * before the compaction point is streamed the newest snapshot file (chunked, paced by the link),
 * then the SNAPSHOT message; it verifies and adopts the file, replaces its state with it, and
 * continues from the log.
 */
public final class RaftReplication implements Replication {
  private static final Logger LOG = LoggerFactory.getLogger(RaftReplication.class);
  /** The commit index is persisted when it has moved this far (a stale one is safe, only slower to restart). */
  private static final long COMMIT_CHECKPOINT = 10_000;
  /** Entries per append message: large enough that a catching-up follower fsyncs rarely (bytes: see PeerCodec). */
  private static final int MAX_ENTRIES_PER_MESSAGE = 2048;

  private final long id;
  private final ClusterConfig cluster;
  private final Coordinator coordinator;
  private final Scheduler scheduler;
  private final RaftStorage storage;
  private final PeerNetwork network;
  private final boolean sync;
  private final RaftNode node;
  private final RaftStats stats;
  private final LogCodec codec = new LogCodec();
  private final List<PeerCodec.Forward> parked = new ArrayList<>();
  private final Set<Long> touched = new LinkedHashSet<>();
  private AutoCloseable ticker;
  private long applied;
  private long appliedTerm;
  /** Entries this node proposed as leader and has not applied yet, by index. */
  private final java.util.ArrayDeque<Proposed> proposed = new java.util.ArrayDeque<>();
  /** Proposals of the current turn, not yet handed to the node. */
  private final List<Proposed> batch = new ArrayList<>();
  private final List<byte[]> batchPayloads = new ArrayList<>();
  private HardState persisted;
  private final SnapshotPositions positions;
  private final Set<Long> streaming = new HashSet<>();
  private long pendingCompaction;
  private final SnapshotReceiver receiver;
  private Installable installable;
  private RaftMessage stashedSnapshot;
  private long installed;
  private long lastLeaderContact;
  private long observedTerm;
  /**
   * The leader last heard of and its term: a follower that lost patience during a long snapshot
   * transfer (a failed pre-vote) forgets its leader but still takes the transfer from it.
   */
  private long knownLeader;
  private long knownLeaderTerm = -1;
  private long leaderTerm = -1;
  private long leaderStart;
  private boolean ready;
  private boolean persisting;
  private final SyncPlacement placement = new SyncPlacement("raft", SyncPlacement.DEFAULT_STALL_NANOS);
  private boolean processing;
  private boolean failed;
  private boolean closed;

  /**
   * Loads the Raft state from {@code storage} and attaches to {@code coordinator} (recovered, not
   * started). Call on the owner thread, then {@link #start()} after the coordinator's start.
   *
   * @param sync fsync the Raft log before acknowledging (the coordinator's durability is not NONE)
   */
  public RaftReplication(long id, ClusterConfig cluster, Coordinator coordinator, Scheduler scheduler,
                         RaftStorage storage, PeerNetwork network, boolean sync, Random random) throws IOException {
    this.id = id;
    this.cluster = cluster;
    this.coordinator = coordinator;
    this.receiver = new SnapshotReceiver(id, scheduler, coordinator.snapshots(), this::snapshotReceived);
    this.scheduler = scheduler;
    this.storage = storage;
    this.network = network;
    this.sync = sync;
    RaftStorage.State state = storage.load();
    if (state.entries().isEmpty() && state.snapshot() == null && state.hardState().term() == 0
        && coordinator.lastApplied() != 0) {
      throw new IllegalStateException("the data directory holds a standalone node's state (zxid 0x"
          + Long.toHexString(coordinator.lastApplied()) + "); a new cluster member must start from an empty one");
    }
    this.persisted = state.hardState();
    this.positions = new SnapshotPositions(coordinator.snapshots());
    this.applied = appliedIndex(state, coordinator.lastApplied());
    RaftConfig config = new RaftConfig(cluster.electionTicks(), 1, true, MAX_ENTRIES_PER_MESSAGE,
        PeerCodec.APPEND_BUDGET_BYTES);
    this.node = new RaftNode(id, cluster.voters(), config, random, state.hardState(), state.snapshot(),
        state.entries(), applied);
    this.appliedTerm = Math.max(0, node.termAt(applied));
    this.stats = new RaftStats(cluster.voters(), id);
    this.observedTerm = node.term();
    coordinator.replicate(this, SessionSecrets.of(cluster.secret().derive("session-secrets")));
    coordinator.addListener(new CoordinatorListener() {
      @Override
      public void snapshotCaptured(long zxid) {
        positions.captured(zxid, applied, appliedTerm);
      }

      @Override
      public void snapshotWritten(long zxid, Path file) {
        snapshotDurable(zxid, file);
      }
    });
    LOG.info("node {}: raft term {}, {} log entries, applied through index {} (zxid 0x{})", id, node.term(),
        state.entries().size(), applied, Long.toHexString(coordinator.lastApplied()));
  }

  /** Starts ticking. Owner thread. */
  public void start() {
    ticker = scheduler.periodic(cluster.tickMs(), this::tick);
    process();
  }

  public long id() {
    return id;
  }

  /** The current leader's id (this node's when it leads), 0 while there is none. */
  public long leader() {
    return node.leader();
  }

  public long term() {
    return node.term();
  }

  public RaftNode.Role role() {
    return node.role();
  }

  /** Index of the last entry handed to the coordinator. */
  public long appliedIndex() {
    return applied;
  }

  public long commitIndex() {
    return node.commitIndex();
  }

  /** Snapshots this node installed from a leader since it started. */
  public long snapshotsInstalled() {
    return installed;
  }

  /** This node's Raft state for operators (metrics, health, the admin page); owner thread. */
  public io.baton.core.view.RaftStatus status() {
    return stats.status(node, applied, proposed.size() + batch.size(), lastLeaderContact,
        2L * cluster.electionTicks() * cluster.tickMs());
  }

  /** Whether this node leads and orders writes. */
  public boolean isReadyLeader() {
    return ready;
  }

  /**
   * Every connection from {@code peer} closed (see {@link RaftNode#peerLost}): when it is the leader, this
   * node campaigns sooner. Owner thread.
   */
  public void peerLost(long peer) {
    if (closed || failed) {
      return;
    }
    if (node.peerLost(peer)) {
      LOG.info("node {}: the link from leader {} closed; campaigning without waiting a whole election timeout", id,
          peer);
    }
  }

  /** Handles a frame from {@code from}. Owner thread. */
  public void receive(long from, byte[] bytes) {
    if (closed || failed) {
      return;
    }
    PeerCodec.Frame frame;
    try {
      frame = PeerCodec.decode(bytes);
    } catch (MalformedMessageException e) {
      LOG.warn("node {}: dropping a malformed frame from node {}: {}", id, from, e.getMessage());
      return;
    }
    if (frame instanceof PeerCodec.Raft r) {
      RaftMessage m = r.message();
      if (m.to() != id || m.from() != from) {
        LOG.warn("node {}: dropping a raft message addressed {} -> {} on the link from {}", id, m.from(), m.to(),
            from);
        return;
      }
      if (m.type() == RaftMessage.Type.APPEND && !m.entries().isEmpty()) {
        String invalid = EntryPayload.invalid(m.entries(), codec, coordinator.config().limits());
        if (invalid != null) {
          // never persisted nor acknowledged; a leader's own preparer never makes such an entry
          LOG.warn("node {}: refusing an append of {} entries from node {} (term {}): {}", id, m.entries().size(),
              from, m.term(), invalid);
          return;
        }
      }
      if (m.type() == RaftMessage.Type.SNAPSHOT && !installable(m.index(), m.logTerm())) {
        // its data is still arriving or being verified; stepped once the snapshot is loaded
        stashedSnapshot = m;
        return;
      }
      node.step(m);
      stats.received(m, scheduler.now());
      if (m.from() == node.leader()) {
        lastLeaderContact = scheduler.now();
      }
      observe();
      process();
      applyAhead();
    } else if (frame instanceof PeerCodec.Forward f) {
      if (f.tag() >>> 56 != from) {
        LOG.warn("node {}: dropping a write forwarded by node {} under another node's tag 0x{}", id, from,
            Long.toHexString(f.tag()));
        return;
      }
      coordinator.submitForwarded(f.tag(), f.sessionId(), f.command(), f.caller());
      process();
    } else if (frame instanceof PeerCodec.Reject r) {
      if (r.tag() >>> 56 != id) {
        LOG.warn("node {}: dropping node {}'s refusal of tag 0x{}, which this node did not issue", id, from,
            Long.toHexString(r.tag()));
        return;
      }
      coordinator.forwardRejected(r.tag(), r.error());
    } else if (frame instanceof PeerCodec.SnapshotChunk c) {
      receiver.chunk(from, c, chunkRefusal(from, c));
    } else {
      coordinator.touchSessions(((PeerCodec.Touch) frame).sessionIds());
    }
  }

  // ------------------------------------------------------------------ Replication

  @Override
  public void propose(long origin, LogEntry entry) {
    byte[] body = codec.encode(entry);
    byte[] payload = EntryPayload.of(origin, body);
    if (batch.isEmpty()) {
      // proposals made in the same turn of the owner thread go out together
      scheduler.runOnOwner(this::proposeBatch);
    }
    batch.add(new Proposed(0, entry, body));
    batchPayloads.add(payload);
  }

  private void proposeBatch() {
    if (batch.isEmpty() || closed || failed) {
      return;
    }
    long first = node.propose(List.copyOf(batchPayloads));
    List<Proposed> entries = List.copyOf(batch);
    batch.clear();
    batchPayloads.clear();
    if (first < 0) {
      stats.proposalsFailed(entries.size());
      coordinator.stepDown();
      return;
    }
    for (int i = 0; i < entries.size(); i++) {
      Proposed p = entries.get(i);
      proposed.addLast(new Proposed(first + i, p.entry(), p.encoded()));
    }
    process();
  }

  @Override
  public void forward(long tag, long sessionId, Command command, Caller caller) {
    PeerCodec.Forward f = new PeerCodec.Forward(tag, sessionId, command, caller);
    long leader = node.leader();
    if (leader == 0 || leader == id) {
      parked.add(f);
    } else {
      network.send(leader, PeerCodec.encode(f));
    }
  }

  @Override
  public void reject(long tag, BatonException error) {
    long origin = tag >>> 56;
    if (origin == id) {
      coordinator.forwardRejected(tag, error);
    } else {
      network.send(origin, PeerCodec.encode(new PeerCodec.Reject(tag, error)));
    }
  }

  @Override
  public void touched(long sessionId) {
    touched.add(sessionId);
  }

  @Override
  public boolean inContact() {
    if (ready || node.role() == RaftNode.Role.LEADER) {
      return true;
    }
    long leader = node.leader();
    return leader != 0
        && scheduler.now() - lastLeaderContact < 2L * cluster.electionTicks() * cluster.tickMs();
  }

  // ------------------------------------------------------------------ host loop

  private void tick() {
    if (closed || failed) {
      return;
    }
    node.tick();
    observe();
    long leader = node.leader();
    if (!touched.isEmpty() && leader != 0 && leader != id) {
      long[] ids = touched.stream().mapToLong(Long::longValue).toArray();
      touched.clear();
      network.send(leader, PeerCodec.encode(new PeerCodec.Touch(ids)));
    }
    process();
  }

  /** Reacts to term and role changes after an input. */
  private void observe() {
    if (node.leader() != 0) {
      knownLeader = node.leader();
      knownLeaderTerm = node.term();
    }
    stats.leader(node.leader());
    if (node.term() != observedTerm) {
      observedTerm = node.term();
      stats.proposalsFailed(proposed.size() + batch.size());
      proposed.clear();
      batch.clear();
      batchPayloads.clear();
      ready = false;
      coordinator.termChanged();
    }
    if (node.role() == RaftNode.Role.LEADER) {
      if (leaderTerm != node.term()) {
        leaderTerm = node.term();
        leaderStart = node.lastIndex();
        LOG.info("node {} elected leader of term {}; serving writes once index {} is applied", id, leaderTerm,
            leaderStart);
      }
    } else if (ready) {
      ready = false;
      coordinator.stepDown();
    }
    long leader = node.leader();
    if (!parked.isEmpty() && leader != 0 && leader != id) {
      List<PeerCodec.Forward> out = new ArrayList<>(parked);
      parked.clear();
      for (PeerCodec.Forward f : out) {
        if (coordinator.isForwardPending(f.tag())) {
          network.send(leader, PeerCodec.encode(f));
        }
      }
    }
  }

  /**
   * Handles every pending {@link Ready}, one at a time: a Ready whose fsync runs on a worker is
   * finished when it ends. Re-entrant calls (a reply handler proposing while entries are applied)
   * just leave the work to the running loop.
   */
  private void process() {
    if (processing) {
      return;
    }
    processing = true;
    try {
      loop(true);
    } finally {
      processing = false;
    }
  }

  /**
   * {@code idle}: not called as a sync ends (then more work has been waiting, and a sync goes to the
   * worker while the owner gathers the next group).
   */
  private void loop(boolean idle) {
    if (!persisting && pendingCompaction > 0 && !closed && !failed) {
      compact();
    }
    while (!persisting && !closed && !failed && node.hasReady()) {
      Ready r = node.ready();
      if (r.snapshot() != null && !install(r.snapshot())) {
        return;
      }
      // term and vote must be durable before any message that depends on them; the commit index
      // only now and then (a node that restarts with a stale one learns it again from the leader)
      HardState hs = r.hardState();
      HardState save = null;
      if (hs != null && (hs.term() != persisted.term() || hs.vote() != persisted.vote()
          || hs.commit() - persisted.commit() >= COMMIT_CHECKPOINT)) {
        save = hs;
        persisted = hs;
      }
      try {
        storage.save(save, r.entries());
      } catch (UncheckedIOException e) {
        fail(e);
        return;
      }
      boolean mustSync = save != null || (sync && !r.entries().isEmpty());
      if (!mustSync) {
        r.messages().forEach(this::send);
        if (apply(r)) {
          advance(r);
        }
        continue;
      }
      // a leader's appends do not depend on its own disk (its match index counts only persisted
      // entries), and committed entries are durable on a quorum already (a restarted node skips
      // what its state holds): both go ahead of the fsync; everything else waits for it
      List<RaftMessage> later = new ArrayList<>();
      for (RaftMessage m : r.messages()) {
        if (node.role() == RaftNode.Role.LEADER && m.type() == RaftMessage.Type.APPEND) {
          send(m);
        } else {
          later.add(m);
        }
      }
      if (!apply(r)) {
        return;
      }
      persisting = true;
      if (placement.onOwner(idle, r.entries().size())) {
        // at the end of this turn of the owner thread: frames already read are stepped in first
        scheduler.runOnOwner(() -> {
          if (!closed) {
            long start = System.nanoTime();
            RuntimeException f = sync();
            placement.tookOnOwner(System.nanoTime() - start);
            synced(r, later, f);
          }
        });
      } else {
        scheduler.runBlocking(() -> {
          RuntimeException f = sync();
          scheduler.runOnOwner(() -> synced(r, later, f));
        });
      }
      return;
    }
  }

  private RuntimeException sync() {
    long start = System.nanoTime();
    try {
      storage.sync();
      coordinator.observer().logSynced("raft", System.nanoTime() - start);
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  /** A Ready's fsync ended: sends what waited for it and goes on with the next Ready. */
  private void synced(Ready r, List<RaftMessage> later, RuntimeException failure) {
    persisting = false;
    if (failure != null) {
      fail(failure);
      return;
    }
    if (!closed) {
      processing = true;
      try {
        later.forEach(this::send);
        advance(r);
        loop(false);
      } finally {
        processing = false;
      }
    }
  }

  /**
   * While a Ready's fsync runs, entries that became committed meanwhile are applied at once instead
   * of waiting for it (they are durable on a quorum); the Ready that carries them later skips them.
   */
  private void applyAhead() {
    if (!persisting || closed || failed) {
      return;
    }
    processing = true;
    try {
      apply(node.committedAfter(applied, MAX_ENTRIES_PER_MESSAGE));
    } finally {
      processing = false;
    }
  }

  private boolean apply(Ready r) {
    return apply(r.committed());
  }

  /** Hands committed entries to the coordinator; false if one is undecodable (the node stops). */
  private boolean apply(List<Entry> committed) {
    for (Entry e : committed) {
      if (e.index() <= applied) {
        continue;
      }
      applied = e.index();
      appliedTerm = e.term();
      while (!proposed.isEmpty() && proposed.peekFirst().index() < e.index()) {
        proposed.pollFirst();
      }
      if (e.data().length > 0) {
        long origin = EntryPayload.origin(e.data());
        Proposed mine = proposed.peekFirst();
        if (mine != null && mine.index() == e.index() && e.term() == node.term()) {
          // this node's own proposal: the entry object and its encoding are at hand
          proposed.pollFirst();
          stats.proposalCommitted();
          coordinator.applyCommitted(origin, mine.entry(), mine.encoded());
          if (halted()) {
            return false;
          }
          continue;
        }
        byte[] body = EntryPayload.body(e.data());
        LogEntry entry;
        try {
          entry = codec.decode(body);
        } catch (IOException ex) {
          fail(new IllegalStateException("committed entry " + e.index() + " is undecodable", ex));
          return false;
        }
        coordinator.applyCommitted(origin, entry, body);
        if (halted()) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether the coordinator halted (an entry it could not apply or log): this node then stops taking part. */
  private boolean halted() {
    if (coordinator.isHalted()) {
      failed = true;
    }
    return failed;
  }

  private void advance(Ready r) {
    node.advance(r);
    observe();
    if (!ready && node.role() == RaftNode.Role.LEADER && leaderTerm == node.term() && applied >= leaderStart) {
      ready = true;
      coordinator.lead(node.term());
      List<PeerCodec.Forward> own = new ArrayList<>(parked);
      parked.clear();
      for (PeerCodec.Forward f : own) {
        coordinator.submitForwarded(f.tag(), f.sessionId(), f.command(), f.caller());
      }
    }
  }

  private void send(RaftMessage m) {
    if (m.type() == RaftMessage.Type.SNAPSHOT) {
      sendSnapshot(m);
      return;
    }
    stats.sent(m);
    network.send(m.to(), PeerCodec.encode(new PeerCodec.Raft(m)));
  }

  // ------------------------------------------------------------------ snapshots

  private record Proposed(long index, LogEntry entry, byte[] encoded) {
  }

  /** A received, verified and loaded snapshot waiting for Raft to accept it. */
  private record Installable(long index, long term, SnapshotStore.Loaded loaded) {
  }

  private void snapshotDurable(long zxid, Path file) {
    SnapshotPositions.Ref ref = closed ? null : positions.durable(zxid, file);
    if (ref == null) {
      return;
    }
    long target = ref.index() - cluster.catchUpEntries();
    SnapshotMeta point = node.snapshot();
    if (target > 0 && (point == null || target > point.index())) {
      pendingCompaction = Math.max(pendingCompaction, target);
      process();
    }
  }

  private void compact() {
    long target = Math.min(pendingCompaction, applied);
    pendingCompaction = 0;
    try {
      node.compact(target);
      storage.compactTo(target);
      LOG.info("node {}: raft log compacted through index {} (snapshot at index {})", id, target,
          positions.latest() == null ? 0 : positions.latest().index());
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void sendSnapshot(RaftMessage m) {
    SnapshotPositions.Ref ref = positions.latest();
    if (ref == null || ref.index() < m.index()) {
      LOG.warn("node {}: node {} needs a snapshot through index {} but none is recorded", id, m.to(), m.index());
      return;
    }
    if (!streaming.add(m.to())) {
      return;
    }
    RaftMessage message = new RaftMessage(RaftMessage.Type.SNAPSHOT, m.from(), m.to(), m.term(), ref.index(),
        ref.term(), List.of(), m.commit(), false, 0);
    LOG.info("node {}: sending node {} the snapshot at index {} (zxid 0x{})", id, m.to(), ref.index(),
        Long.toHexString(ref.zxid()));
    network.sendFile(m.to(), ref.file(),
        (offset, chunk, total) -> PeerCodec.encode(new PeerCodec.SnapshotChunk(ref.index(), ref.term(), offset,
            total, chunk)),
        PeerCodec.encode(new PeerCodec.Raft(message)), error -> {
          streaming.remove(m.to());
          if (error != null) {
            LOG.info("node {}: sending the snapshot to node {} failed: {}", id, m.to(), error.toString());
          }
        });
  }

  /**
   * Why a snapshot chunk is not one this follower expects, or null: it must come from the leader of
   * this node's current term, for a position beyond what it has applied (the transfer itself is
   * checked by the {@link SnapshotReceiver}).
   */
  private String chunkRefusal(long from, PeerCodec.SnapshotChunk c) {
    long leader = knownLeaderTerm == node.term() ? knownLeader : 0;
    if (node.role() == RaftNode.Role.LEADER || from != leader) {
      return "not the leader of this node's term " + node.term() + " (" + (leader == 0 ? "none known" : "node "
          + leader) + ")";
    }
    if (c.index() <= applied || c.term() > node.term() || c.term() < 1) {
      return "not a snapshot beyond applied index " + applied + " in a term up to " + node.term();
    }
    return null;
  }

  private void snapshotReceived(long from, long index, long term, SnapshotStore.Loaded loaded, Exception failure) {
    if (failure != null) {
      LOG.warn("node {}: the snapshot from node {} is unusable: {}", id, from, failure.toString());
      return;
    }
    if (closed || failed) {
      return;
    }
    installable = new Installable(index, term, loaded);
    RaftMessage m = stashedSnapshot;
    if (m != null && installable(m.index(), m.logTerm())) {
      stashedSnapshot = null;
      node.step(m);
      observe();
      process();
    }
  }

  /** Whether the loaded snapshot waiting for Raft is the one at {@code index}/{@code term}. */
  private boolean installable(long index, long term) {
    return installable != null && installable.index() == index && installable.term() == term;
  }

  /** Replaces the coordinator's state with the accepted snapshot and records it; false if that failed. */
  private boolean install(SnapshotMeta meta) {
    Installable ready = installable;
    if (!installable(meta.index(), meta.term())) {
      fail(new IllegalStateException("raft accepted a snapshot at index " + meta.index() + " whose data is missing"));
      return false;
    }
    installable = null;
    try {
      coordinator.installSnapshot(ready.loaded());
      storage.installSnapshot(meta);
      positions.record(new SnapshotPositions.Ref(meta.index(), meta.term(), ready.loaded().zxid(),
          ready.loaded().file()));
    } catch (IOException | RuntimeException e) {
      fail(e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e));
      return false;
    }
    applied = meta.index();
    appliedTerm = meta.term();
    installed++;
    return true;
  }

  /** Raft storage failed or a committed entry is unusable: the node stops (see {@link Coordinator#halt}). */
  private void fail(RuntimeException e) {
    failed = true;
    LOG.error("node {}: raft storage failed; this node stops taking part in the cluster", id, e);
    coordinator.termChanged();
    coordinator.halt(coordinator.lastApplied(), "replication failed: " + e, e);
  }

  /**
   * The Raft index the coordinator's recovered state corresponds to: the last entry whose zxid it
   * already has (its own log holds every applied entry), never beyond the persisted commit.
   */
  private long appliedIndex(RaftStorage.State state, long appliedZxid) throws IOException {
    List<Entry> entries = state.entries();
    long found = 0;
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      if (e.data().length == 0) {
        continue;
      }
      if (codec.decode(EntryPayload.body(e.data())).getZxid() <= appliedZxid) {
        found = e.index();
        break;
      }
    }
    long fromLog = Math.min(found, state.hardState().commit());
    return state.snapshot() == null ? fromLog : Math.max(fromLog, state.snapshot().index());
  }

  /** Stops ticking and closes the storage. Owner thread. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ticker != null) {
      try {
        ticker.close();
      } catch (Exception ignored) {
        // already cancelled
      }
    }
    coordinator.termChanged();
    receiver.discard();
    storage.close();
  }
}
