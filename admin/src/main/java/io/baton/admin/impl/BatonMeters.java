package io.baton.admin.impl;

import io.baton.core.server.NodeObserver;
import io.baton.core.view.PeerStatus;
import io.baton.core.view.RaftStatus;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Baton's meters, in Prometheus' names and base units: timers and counters fed by the node's
 * {@link NodeObserver} callbacks (lock-free Micrometer records, meters looked up in a map built once
 * per op), gauges reading the {@link StatusBoard}'s last snapshot. Request ops are bounded: past
 * {@value #MAX_OPS} distinct names (a client may send any) further ones count as {@code other}.
 */
public final class BatonMeters implements NodeObserver {
  static final int MAX_OPS = 96;
  private static final Duration[] LATENCY_BUCKETS = buckets(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

  private final MeterRegistry registry;
  private final StatusBoard board;
  private final Map<String, Map<String, Timer>> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> fsyncs = new ConcurrentHashMap<>();
  private final Map<Long, Boolean> peersRegistered = new ConcurrentHashMap<>();
  private final Timer commit;
  private final Timer apply;
  private final Timer snapshot;
  private final DistributionSummary snapshotSize;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();

  /** Registers the meters; the Raft ones only for a cluster member ({@code clustered}). */
  public BatonMeters(MeterRegistry registry, StatusBoard board, boolean clustered) {
    this.registry = registry;
    this.board = board;
    this.commit = latency("baton.write.append.to.commit", "Time from a write's append (a leader's proposal) to its commit");
    this.apply = latency("baton.write.apply", "Time to apply a committed write: tree, watches, reply");
    this.snapshot = keep(Timer.builder("baton.snapshot.duration").description("Time to capture and write a snapshot")
        .serviceLevelObjectives(buckets(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60)).register(registry));
    this.snapshotSize = keep(DistributionSummary.builder("baton.snapshot.size").baseUnit("bytes")
        .description("Size of the snapshots written").register(registry));
    gauges();
    if (clustered) {
      raftGauges();
    }
    board.onPublish(s -> {
      if (s.raft() != null && peersRegistered.size() < s.raft().peers().size()) {
        peersSeen(s.raft());
      }
    });
  }

  private <M extends Meter> M keep(M meter) {
    registered.add(meter);
    return meter;
  }

  /** Removes every meter it registered (the face closed; the registry may outlive it). */
  public void close() {
    registered.forEach(registry::remove);
    registered.clear();
  }

  private Timer latency(String name, String description) {
    return keep(Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry));
  }

  private void gauges() {
    node("baton.znodes", "Znodes in the tree", s -> s.node().znodes(), null);
    node("baton.data.size", "Bytes of data held by all znodes", s -> s.node().dataBytes(), "bytes");
    node("baton.sessions", "Open sessions", s -> s.node().sessions(), null);
    node("baton.watches", "Watch registrations (path, session)", s -> s.node().watches(), null);
    node("baton.outstanding.requests", "Writes ordered or forwarded here and not answered yet",
        s -> s.node().outstanding(), null);
    node("baton.last.zxid", "The last applied zxid", s -> s.node().zxid(), null);
    node("baton.log.sync.failures", "Transaction log fsyncs failed in a row", s -> s.node().logSyncFailures(), null);
    disk("baton.log.size", "Bytes of the transaction log on disk", StatusBoard.Disk::logBytes);
    disk("baton.raft.log.size", "Bytes of the Raft log on disk", StatusBoard.Disk::raftLogBytes);
    disk("baton.snapshots.size", "Bytes of the snapshots kept on disk", StatusBoard.Disk::snapshotBytes);
  }

  private void raftGauges() {
    raft("baton.raft.term", "Current Raft term", RaftStatus::term);
    raft("baton.raft.has.leader", "1 while a leader is known", r -> r.hasLeader() ? 1 : 0);
    raft("baton.raft.is.leader", "1 while this node leads", r -> r.leader() == r.id() ? 1 : 0);
    raft("baton.raft.commit.index", "Raft commit index", RaftStatus::commitIndex);
    raft("baton.raft.applied.index", "Raft index applied", RaftStatus::appliedIndex);
    raft("baton.raft.proposals.pending", "Proposals of this leader not committed yet", RaftStatus::proposalsPending);
    raftCount("baton.raft.leader.changes", "Leaders this node has seen change", RaftStatus::leaderChanges);
    raftCount("baton.raft.proposals.committed", "Proposals of this node committed", RaftStatus::proposalsCommitted);
    raftCount("baton.raft.proposals.failed", "Proposals of this node dropped (leadership lost)",
        RaftStatus::proposalsFailed);
  }

  private void node(String name, String description, ToDoubleFunction<StatusBoard.Snapshot> f, String unit) {
    keep(Gauge.builder(name, board, b -> b.current() == null ? Double.NaN : f.applyAsDouble(b.current()))
        .description(description).baseUnit(unit).register(registry));
  }

  private void disk(String name, String description, ToDoubleFunction<StatusBoard.Disk> f) {
    keep(Gauge.builder(name, board, b -> b.disk() == null ? Double.NaN : f.applyAsDouble(b.disk()))
        .description(description).baseUnit("bytes").register(registry));
  }

  private void raft(String name, String description, ToDoubleFunction<RaftStatus> f) {
    keep(Gauge.builder(name, board, b -> raftOf(b) == null ? Double.NaN : f.applyAsDouble(raftOf(b)))
        .description(description).register(registry));
  }

  private void raftCount(String name, String description, ToDoubleFunction<RaftStatus> f) {
    keep(FunctionCounter.builder(name, board, b -> raftOf(b) == null ? 0 : f.applyAsDouble(raftOf(b)))
        .description(description).register(registry));
  }

  private static RaftStatus raftOf(StatusBoard b) {
    StatusBoard.Snapshot s = b.current();
    return s == null ? null : s.raft();
  }

  /** Registers the per-peer gauges of peers first seen in a snapshot (a static membership: once each). */
  void peersSeen(RaftStatus raft) {
    for (PeerStatus p : raft.peers()) {
      if (peersRegistered.putIfAbsent(p.id(), Boolean.TRUE) == null) {
        long id = p.id();
        String peer = Long.toString(id);
        keep(Gauge.builder("baton.raft.peer.match.lag", board, b -> peer(b, id, x -> x.lagEntries()))
            .description("Entries the peer lacks behind this leader's log (-1 unless leading)").tag("peer", peer)
            .register(registry));
        keep(Gauge.builder("baton.raft.peer.round.trip", board, b -> peer(b, id, x -> x.rttNanos() < 0 ? Double.NaN
            : x.rttNanos() / 1e9)).baseUnit("seconds").tag("peer", peer)
            .description("Last round trip of an append to the peer and its answer").register(registry));
        keep(Gauge.builder("baton.raft.peer.up", board, b -> peer(b, id, x -> x.up() ? 1 : 0)).tag("peer", peer)
            .description("1 while the peer answered within an election timeout").register(registry));
        keep(Gauge.builder("baton.raft.peer.last.contact.age", board, b -> peer(b, id,
            x -> x.lastContactMillis() == 0
            ? Double.NaN : (System.currentTimeMillis() - x.lastContactMillis()) / 1e3)).baseUnit("seconds")
            .tag("peer", peer).description("Time since the peer was last heard from").register(registry));
      }
    }
  }

  private static double peer(StatusBoard b, long id, ToDoubleFunction<PeerStatus> f) {
    RaftStatus r = raftOf(b);
    if (r == null) {
      return Double.NaN;
    }
    for (PeerStatus p : r.peers()) {
      if (p.id() == id) {
        return f.applyAsDouble(p);
      }
    }
    return Double.NaN;
  }

  @Override
  public void request(String op, String result, long nanos) {
    Map<String, Timer> byResult = requests.get(op);
    String opTag = op;
    if (byResult == null) {
      opTag = requests.size() >= MAX_OPS ? "other" : op;
      byResult = requests.computeIfAbsent(opTag, k -> new ConcurrentHashMap<>());
    }
    Timer t = byResult.get(result);
    if (t == null) {
      String tag = opTag;
      t = byResult.computeIfAbsent(result, r -> keep(Timer.builder("baton.request.duration")
          .description("Client requests by op and result (ok or the error's name)").tags("op", tag, "result", r)
          .serviceLevelObjectives(LATENCY_BUCKETS).register(registry)));
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void logSynced(String log, long nanos) {
    fsyncs.computeIfAbsent(log, l -> keep(Timer.builder("baton.fsync.duration")
        .description("Duration of log fsyncs").tag("log", l).serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry))).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void committed(long nanos) {
    commit.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void applied(long nanos) {
    apply.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void snapshotWritten(long nanos, long bytes) {
    snapshot.record(nanos, TimeUnit.NANOSECONDS);
    snapshotSize.record(bytes);
  }

  private static Duration[] buckets(double... seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return out;
  }
}
