package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic cluster of {@link RaftNode}s on a simulated network (seeded: drop, delay, reorder,
 * duplicate, partitions, crashes with restart from "disk") that checks Raft's safety properties
 * after every step: one leader per term, committed entries never change, every node applies the
 * same sequence, a new leader holds every committed entry, and logs match below a common entry.
 *
 * <p>A node's state machine is the list of entries it applied; its snapshot is a copy of that list
 * up to the compaction point. With {@link #compaction} set, hosts compact at random applied
 * indexes; a SNAPSHOT message travels with the sender's snapshot, which the receiving host installs
 * (after checking that its own applied sequence is a prefix of it).
 */
final class Simulation {
  record Faults(double drop, double duplicate, int maxDelay, double crash, double partition) {
    static final Faults NONE = new Faults(0, 0, 1, 0, 0);
  }

  /** A message and, for a SNAPSHOT, the snapshot the sender's host attached. */
  private record InFlight(long at, RaftMessage message, List<Entry> snapshot) {
  }

  static final class Disk {
    HardState hardState = new HardState(0, 0, 0);
    SnapshotMeta snapshot;
    List<Entry> snapshotData = List.of();
    /** The log after {@link #snapshot}. */
    List<Entry> log = new ArrayList<>();

    long base() {
      return snapshot == null ? 0 : snapshot.index();
    }
  }

  final Random random;
  final List<Long> ids = new ArrayList<>();
  final Map<Long, RaftNode> nodes = new HashMap<>();
  final Map<Long, Disk> disks = new HashMap<>();
  final Map<Long, List<Entry>> applied = new HashMap<>();
  /** Snapshot data received with the last SNAPSHOT message delivered to a node. */
  final Map<Long, List<Entry>> inbound = new HashMap<>();
  final Map<Long, Entry> committed = new HashMap<>();
  final Map<Long, Long> leaderOfTerm = new HashMap<>();
  final Set<Long> down = new HashSet<>();
  final List<InFlight> network = new ArrayList<>();
  final RaftConfig config = new RaftConfig(10, 2, true, 16);
  Set<Long> isolated = new HashSet<>();
  Faults faults = Faults.NONE;
  /** Probability per step that an up node's host snapshots and compacts at a random applied index. */
  double compaction;
  long now;
  int proposals;
  int snapshotsSent;
  int snapshotsInstalled;

  Simulation(int size, long seed) {
    random = new Random(seed);
    for (long id = 1; id <= size; id++) {
      ids.add(id);
      disks.put(id, new Disk());
    }
    for (long id : ids) {
      start(id);
    }
  }

  private void start(long id) {
    Disk d = disks.get(id);
    nodes.put(id, new RaftNode(id, ids, config, new Random(random.nextLong()), d.hardState, d.snapshot, d.log,
        d.base()));
    applied.put(id, new ArrayList<>(d.snapshotData));
  }

  /** One step: deliver due messages, tick every node, process every Ready, check invariants. */
  void step() {
    now++;
    List<InFlight> due = new ArrayList<>();
    network.removeIf(f -> {
      if (f.at() <= now) {
        due.add(f);
        return true;
      }
      return false;
    });
    Collections.shuffle(due, random);
    for (InFlight f : due) {
      RaftNode to = nodes.get(f.message().to());
      if (to != null && !down.contains(f.message().to())) {
        if (f.snapshot() != null) {
          inbound.put(to.id(), f.snapshot());
        }
        to.step(f.message());
        drain(to);
      }
    }
    for (long id : ids) {
      if (!down.contains(id)) {
        nodes.get(id).tick();
        drain(nodes.get(id));
      }
    }
    for (long id : ids) {
      if (!down.contains(id) && compaction > 0 && random.nextDouble() < compaction) {
        long from = disks.get(id).base() + 1;
        long to = applied.get(id).size();
        if (from <= to) {
          compact(id, from + random.nextInt((int) (to - from + 1)));
        }
      }
    }
    injectFaults();
    checkLeaders();
  }

  private void injectFaults() {
    if (faults.crash() > 0 && random.nextDouble() < faults.crash()) {
      long id = ids.get(random.nextInt(ids.size()));
      if (down.contains(id)) {
        down.remove(id);
        start(id);
      } else if (down.size() + 1 < (ids.size() + 1) / 2 + 1 || random.nextBoolean()) {
        down.add(id);
        nodes.remove(id);
      }
    }
    if (faults.partition() > 0 && random.nextDouble() < faults.partition()) {
      isolated = new HashSet<>();
      if (random.nextBoolean()) {
        isolated.add(ids.get(random.nextInt(ids.size())));
      }
    }
  }

  /** The host snapshots its state machine through {@code index} and compacts the node's log and disk. */
  void compact(long id, long index) {
    RaftNode node = nodes.get(id);
    Disk d = disks.get(id);
    node.compact(index);
    assertThat(node.snapshot().index()).isEqualTo(index);
    assertThat(node.snapshot().term()).isEqualTo(applied.get(id).get((int) index - 1).term());
    d.log = new ArrayList<>(d.log.subList((int) (index - d.base()), d.log.size()));
    d.snapshot = node.snapshot();
    d.snapshotData = List.copyOf(applied.get(id).subList(0, (int) index));
  }

  /** Install (if asked), persist, send, apply, advance — the host's loop for one node. */
  void drain(RaftNode node) {
    while (node.hasReady()) {
      Ready r = node.ready();
      Disk d = disks.get(node.id());
      if (r.snapshot() != null) {
        install(node.id(), r.snapshot());
      }
      if (r.hardState() != null) {
        d.hardState = r.hardState();
      }
      if (!r.entries().isEmpty()) {
        long first = r.entries().get(0).index();
        assertThat(first).as("node %d saves no compacted entry", node.id()).isGreaterThan(d.base());
        d.log = new ArrayList<>(d.log.subList(0, (int) Math.min(d.log.size(), first - 1 - d.base())));
        d.log.addAll(r.entries());
      }
      for (RaftMessage m : r.messages()) {
        send(m);
      }
      for (Entry e : r.committed()) {
        apply(node.id(), e);
      }
      node.advance(r);
    }
  }

  /** Replaces the node's state machine and disk by the snapshot it received with a SNAPSHOT message. */
  private void install(long id, SnapshotMeta s) {
    List<Entry> data = inbound.remove(id);
    assertThat(data).as("node %d received the snapshot it installs", id).isNotNull();
    assertThat(data).hasSize((int) s.index());
    assertThat(data.get(data.size() - 1).term()).isEqualTo(s.term());
    List<Entry> mine = applied.get(id);
    for (int i = 0; i < mine.size(); i++) {
      assertThat(describe(data.get(i))).as("node %d: the snapshot extends what it applied", id)
          .isEqualTo(describe(mine.get(i)));
    }
    for (Entry e : data) {
      assertThat(committed.get(e.index())).as("snapshot entry %d was committed", e.index()).isNotNull();
      assertThat(describe(e)).isEqualTo(describe(committed.get(e.index())));
    }
    applied.put(id, new ArrayList<>(data));
    Disk d = disks.get(id);
    d.snapshot = s;
    d.snapshotData = data;
    d.log = new ArrayList<>();
    snapshotsInstalled++;
  }

  private void send(RaftMessage m) {
    List<Entry> snapshot = null;
    if (m.type() == RaftMessage.Type.SNAPSHOT) {
      snapshot = disks.get(m.from()).snapshotData;
      assertThat(disks.get(m.from()).snapshot).isEqualTo(new SnapshotMeta(m.index(), m.logTerm()));
      snapshotsSent++;
    }
    boolean cut = isolated.contains(m.from()) != isolated.contains(m.to());
    if (cut || random.nextDouble() < faults.drop()) {
      return;
    }
    network.add(new InFlight(now + 1 + random.nextInt(faults.maxDelay()), m, snapshot));
    if (random.nextDouble() < faults.duplicate()) {
      network.add(new InFlight(now + 1 + random.nextInt(faults.maxDelay()), m, snapshot));
    }
  }

  private void apply(long node, Entry e) {
    List<Entry> mine = applied.get(node);
    assertThat(e.index()).as("node %d applies in order", node).isEqualTo(mine.size() + 1);
    mine.add(e);
    Entry known = committed.putIfAbsent(e.index(), e);
    if (known != null) {
      assertThat(e.term()).as("state machine safety at index %d on node %d", e.index(), node)
          .isEqualTo(known.term());
      assertThat(e.data()).isEqualTo(known.data());
    }
  }

  private void checkLeaders() {
    for (RaftNode n : nodes.values()) {
      if (n.role() == RaftNode.Role.LEADER) {
        Long other = leaderOfTerm.putIfAbsent(n.term(), n.id());
        assertThat(other == null || other == n.id()).as("one leader in term %d: %s and %d", n.term(), other, n.id())
            .isTrue();
        if (other == null) {
          long base = n.snapshot() == null ? 0 : n.snapshot().index();
          for (Entry c : committed.values()) {
            long term = c.index() <= base ? applied.get(n.id()).get((int) c.index() - 1).term() : n.termAt(c.index());
            assertThat(term).as("leader %d of term %d holds committed entry %d", n.id(), n.term(), c.index())
                .isEqualTo(c.term());
          }
        }
      }
    }
  }

  /**
   * Log matching: two logs holding an entry with the same index and term agree on everything before
   * (down to the later of their compaction points).
   */
  void checkLogMatching() {
    List<Long> up = new ArrayList<>(nodes.keySet());
    for (int a = 0; a < up.size(); a++) {
      for (int b = a + 1; b < up.size(); b++) {
        Disk da = disks.get(up.get(a));
        Disk db = disks.get(up.get(b));
        long from = Math.max(da.base(), db.base()) + 1;
        long to = Math.min(da.base() + da.log.size(), db.base() + db.log.size());
        long last = -1;
        for (long i = to; i >= from; i--) {
          if (entry(da, i).term() == entry(db, i).term()) {
            last = i;
            break;
          }
        }
        for (long i = from; i <= last; i++) {
          assertThat(entry(da, i).term()).isEqualTo(entry(db, i).term());
          assertThat(Arrays.equals(entry(da, i).data(), entry(db, i).data())).isTrue();
        }
      }
    }
  }

  private static String describe(Entry e) {
    return e.index() + "/" + e.term() + "/" + new String(e.data());
  }

  private static Entry entry(Disk d, long index) {
    return d.log.get((int) (index - d.base() - 1));
  }

  /** Proposes a unique value at whichever node leads (if any). */
  boolean propose() {
    for (RaftNode n : nodes.values()) {
      if (n.role() == RaftNode.Role.LEADER && !down.contains(n.id())) {
        long index = n.propose(("v" + (++proposals)).getBytes());
        drain(n);
        return index > 0;
      }
    }
    return false;
  }

  RaftNode leader() {
    RaftNode best = null;
    for (RaftNode n : nodes.values()) {
      if (n.role() == RaftNode.Role.LEADER && (best == null || n.term() > best.term())) {
        best = n;
      }
    }
    return best;
  }

  /** Stops a node; only its disk survives. */
  void crash(long id) {
    down.add(id);
    nodes.remove(id);
  }

  /** Brings every node up, heals the network and stops injecting faults. */
  void heal() {
    faults = Faults.NONE;
    isolated = new HashSet<>();
    for (long id : List.copyOf(down)) {
      down.remove(id);
      start(id);
    }
  }

  void run(int steps) {
    for (int i = 0; i < steps; i++) {
      step();
    }
  }
}
