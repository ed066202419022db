package io.baton.core.replication;

import io.baton.core.error.BatonException;
import io.baton.core.log.LogCodec;
import io.baton.core.replication.RaftCodec.MalformedMessageException;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Replication;
import io.baton.core.server.Scheduler;
import io.baton.core.txn.Command;
import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RaftNode} for a {@link Coordinator}: the host loop of etcd's raft library on the
 * coordinator's owner thread. It ticks the node, steps received frames, persists each
 * {@link Ready} to the {@link RaftStorage} (writes on the owner thread, the fsync on a worker;
 * nothing that depends on it is sent or applied before it ends), sends messages through the
 * {@link PeerNetwork}, and hands committed entries to the coordinator in order.
 *
 * <p>A replicated entry's payload is the tag of the forwarded request it answers (0 if none)
 * followed by the Avro-encoded {@link LogEntry}; the leader's empty entries (one per term) carry
 * nothing. The node becomes the coordinator's ordering leader only once it has applied everything
 * up to its term's first entry, so its view of pending changes is exact.
 */
public final class RaftReplication implements Replication {
  private static final Logger LOG = LoggerFactory.getLogger(RaftReplication.class);
  /** The commit index is persisted when it has moved this far (a stale one is safe, only slower to restart). */
  private static final long COMMIT_CHECKPOINT = 10_000;

  private final long id;
  private final ClusterConfig cluster;
  private final Coordinator coordinator;
  private final Scheduler scheduler;
  private final RaftStorage storage;
  private final PeerNetwork network;
  private final boolean sync;
  private final RaftNode node;
  private final LogCodec codec = new LogCodec();
  private final List<PeerCodec.Forward> parked = new ArrayList<>();
  private final Set<Long> touched = new LinkedHashSet<>();
  private AutoCloseable ticker;
  private long applied;
  private HardState persisted;
  private long observedTerm;
  private long leaderTerm = -1;
  private long leaderStart;
  private boolean ready;
  private boolean persisting;
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
    this.scheduler = scheduler;
    this.storage = storage;
    this.network = network;
    this.sync = sync;
    RaftStorage.State state = storage.load();
    this.persisted = state.hardState();
    this.applied = appliedIndex(state, coordinator.lastApplied());
    RaftConfig config = new RaftConfig(cluster.electionTicks(), 1, true, 256);
    this.node = new RaftNode(id, cluster.voters(), config, random, state.hardState(), state.entries(), applied);
    this.observedTerm = node.term();
    coordinator.replicate(this);
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

  /** Whether this node leads and orders writes. */
  public boolean isReadyLeader() {
    return ready;
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
      if (r.message().to() != id || r.message().from() != from) {
        LOG.warn("node {}: dropping a raft message addressed {} -> {} on the link from {}", id, r.message().from(),
            r.message().to(), from);
        return;
      }
      node.step(r.message());
      observe();
      process();
    } else if (frame instanceof PeerCodec.Forward f) {
      coordinator.submitForwarded(f.tag(), f.sessionId(), f.command());
      process();
    } else if (frame instanceof PeerCodec.Reject r) {
      coordinator.forwardRejected(r.tag(), r.error());
    } else {
      coordinator.touchSessions(((PeerCodec.Touch) frame).sessionIds());
    }
  }

  // ------------------------------------------------------------------ Replication

  @Override
  public void propose(long origin, LogEntry entry) {
    byte[] body = codec.encode(entry);
    byte[] payload = ByteBuffer.allocate(8 + body.length).putLong(origin).put(body).array();
    if (node.propose(payload) < 0) {
      coordinator.stepDown();
      return;
    }
    process();
  }

  @Override
  public void forward(long tag, long sessionId, Command command) {
    PeerCodec.Forward f = new PeerCodec.Forward(tag, sessionId, command);
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
    if (node.term() != observedTerm) {
      observedTerm = node.term();
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
      loop();
    } finally {
      processing = false;
    }
  }

  private void loop() {
    while (!persisting && !closed && !failed && node.hasReady()) {
      Ready r = node.ready();
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
      scheduler.runBlocking(() -> {
        RuntimeException failure = null;
        try {
          storage.sync();
        } catch (RuntimeException e) {
          failure = e;
        }
        RuntimeException f = failure;
        scheduler.runOnOwner(() -> {
          persisting = false;
          if (f != null) {
            fail(f);
            return;
          }
          if (!closed) {
            processing = true;
            try {
              later.forEach(this::send);
              advance(r);
              loop();
            } finally {
              processing = false;
            }
          }
        });
      });
    }
  }

  /** Hands the Ready's committed entries to the coordinator; false if one is undecodable (the node stops). */
  private boolean apply(Ready r) {
    for (Entry e : r.committed()) {
      if (e.data().length > 0) {
        ByteBuffer b = ByteBuffer.wrap(e.data());
        long origin = b.getLong();
        LogEntry entry;
        try {
          entry = codec.decode(slice(e.data()));
        } catch (IOException ex) {
          fail(new IllegalStateException("committed entry " + e.index() + " is undecodable", ex));
          return false;
        }
        coordinator.applyCommitted(origin, entry);
      }
      applied = e.index();
    }
    return true;
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
        coordinator.submitForwarded(f.tag(), f.sessionId(), f.command());
      }
    }
  }

  private void send(RaftMessage m) {
    network.send(m.to(), PeerCodec.encode(new PeerCodec.Raft(m)));
  }

  private void fail(RuntimeException e) {
    failed = true;
    LOG.error("node {}: raft storage failed; this node stops taking part in the cluster until restarted", id, e);
    coordinator.termChanged();
  }

  private static byte[] slice(byte[] payload) {
    byte[] body = new byte[payload.length - 8];
    System.arraycopy(payload, 8, body, 0, body.length);
    return body;
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
      if (codec.decode(slice(e.data())).getZxid() <= appliedZxid) {
        found = e.index();
        break;
      }
    }
    return Math.min(found, state.hardState().commit());
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
    storage.close();
  }
}
