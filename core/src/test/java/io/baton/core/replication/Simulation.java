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
 */
final class Simulation {
  record Faults(double drop, double duplicate, int maxDelay, double crash, double partition) {
    static final Faults NONE = new Faults(0, 0, 1, 0, 0);
  }

  private record InFlight(long at, RaftMessage message) {
  }

  private static final class Disk {
    HardState hardState = new HardState(0, 0, 0);
    List<Entry> log = new ArrayList<>();
  }

  final Random random;
  final List<Long> ids = new ArrayList<>();
  final Map<Long, RaftNode> nodes = new HashMap<>();
  final Map<Long, Disk> disks = new HashMap<>();
  final Map<Long, List<Entry>> applied = new HashMap<>();
  final Map<Long, Entry> committed = new HashMap<>();
  final Map<Long, Long> leaderOfTerm = new HashMap<>();
  final Set<Long> down = new HashSet<>();
  final List<InFlight> network = new ArrayList<>();
  final RaftConfig config = new RaftConfig(10, 2, true, 16);
  Set<Long> isolated = new HashSet<>();
  Faults faults = Faults.NONE;
  long now;
  int proposals;

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
    nodes.put(id, new RaftNode(id, ids, config, new Random(random.nextLong()), d.hardState, d.log, 0));
    applied.put(id, new ArrayList<>());
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

  /** Persist, send, apply, advance — the host's loop for one node. */
  void drain(RaftNode node) {
    while (node.hasReady()) {
      Ready r = node.ready();
      Disk d = disks.get(node.id());
      if (r.hardState() != null) {
        d.hardState = r.hardState();
      }
      if (!r.entries().isEmpty()) {
        long first = r.entries().get(0).index();
        d.log = new ArrayList<>(d.log.subList(0, (int) Math.min(d.log.size(), first - 1)));
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

  private void send(RaftMessage m) {
    boolean cut = isolated.contains(m.from()) != isolated.contains(m.to());
    if (cut || random.nextDouble() < faults.drop()) {
      return;
    }
    network.add(new InFlight(now + 1 + random.nextInt(faults.maxDelay()), m));
    if (random.nextDouble() < faults.duplicate()) {
      network.add(new InFlight(now + 1 + random.nextInt(faults.maxDelay()), m));
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
          for (Entry c : committed.values()) {
            assertThat(n.termAt(c.index())).as("leader %d of term %d holds committed entry %d", n.id(), n.term(),
                c.index()).isEqualTo(c.term());
          }
        }
      }
    }
  }

  /** Log matching: two logs holding an entry with the same index and term agree on everything before. */
  void checkLogMatching() {
    List<Long> up = new ArrayList<>(nodes.keySet());
    for (int a = 0; a < up.size(); a++) {
      for (int b = a + 1; b < up.size(); b++) {
        List<Entry> la = disks.get(up.get(a)).log;
        List<Entry> lb = disks.get(up.get(b)).log;
        int common = Math.min(la.size(), lb.size());
        int last = -1;
        for (int i = common - 1; i >= 0; i--) {
          if (la.get(i).term() == lb.get(i).term()) {
            last = i;
            break;
          }
        }
        for (int i = 0; i <= last; i++) {
          assertThat(la.get(i).term()).isEqualTo(lb.get(i).term());
          assertThat(Arrays.equals(la.get(i).data(), lb.get(i).data())).isTrue();
        }
      }
    }
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
