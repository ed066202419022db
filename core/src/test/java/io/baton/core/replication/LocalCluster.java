package io.baton.core.replication;

import io.baton.core.recipe.RecipeService;
import io.baton.core.server.CoordinatorConfig;
import io.baton.core.server.Durability;
import io.baton.core.server.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import net.openhft.chronicle.queue.RollCycles;

/**
 * Several coordinators in one JVM, each on its own owner thread with real Chronicle storage in a
 * temp directory, joined by an in-memory network whose links can be cut (partitions). A node can be
 * stopped and restarted from its data directory.
 */
final class LocalCluster implements AutoCloseable {
  final Path root;
  final ClusterConfig config;
  final Map<Long, Member> nodes = new ConcurrentHashMap<>();
  private final Set<String> cut = ConcurrentHashMap.newKeySet();
  private final Durability durability;

  /** A running node. */
  static final class Member {
    final TestNode node;
    RaftReplication raft;
    RecipeService recipes;

    Member(TestNode node) {
      this.node = node;
    }
  }

  LocalCluster(Path root, int size, Durability durability) throws Exception {
    this.root = root;
    this.durability = durability;
    Map<Long, ClusterConfig.Member> members = new TreeMap<>();
    for (long id = 1; id <= size; id++) {
      members.put(id, new ClusterConfig.Member(id, "127.0.0.1", 1, 1));
    }
    this.config = new ClusterConfig(members, 25, 10, 50, ClusterSecret.fromHex("ab".repeat(32)));
    for (long id = 1; id <= size; id++) {
      start(id);
    }
  }

  void start(long id) throws Exception {
    CoordinatorConfig cfg = CoordinatorConfig.defaults(root.resolve("n" + id)).withTickMs(20)
        .withDurability(durability).withSessionTimeouts(200, 60_000);
    cfg = new CoordinatorConfig(cfg.dataDir(), (int) id, cfg.durability(), cfg.groupCommitMs(), cfg.limits(),
        cfg.minSessionTimeoutMs(), cfg.maxSessionTimeoutMs(), cfg.tickMs(), cfg.snapshotEveryEntries(),
        cfg.snapshotsRetained(), cfg.log(), cfg.auth());
    Member[] holder = new Member[1];
    Path raftDir = cfg.dataDir().resolve("raft");
    TestNode node = new TestNode(cfg, 0, n -> {
      try {
        RaftStorage storage = ChronicleRaftStorage.open(raftDir,
            new ChronicleRaftStorage.Options(RollCycles.FAST_HOURLY, false));
        holder[0] = new Member(n);
        holder[0].recipes = new RecipeService(n.coordinator, n.scheduler, 20);
        holder[0].raft = new RaftReplication(id, config, n.coordinator, n.scheduler, storage, network(id),
            durability != Durability.NONE, new Random(id * 31 + 7));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Member m = holder[0];
    node.call(() -> {
      m.raft.start();
      return null;
    });
    nodes.put(id, m);
  }

  /** Links of node {@code from}: frames go to the target's owner thread unless the link is cut. */
  private PeerNetwork network(long from) {
    return new PeerNetwork() {
      @Override
      public void send(long to, byte[] frame) {
        deliver(from, to, frame);
      }

      @Override
      public void sendFile(long to, Path file, ChunkFramer framer, byte[] last, Consumer<Throwable> done) {
        try {
          byte[] all = Files.readAllBytes(file);
          for (int offset = 0; offset < all.length; offset += 64 * 1024) {
            byte[] chunk = Arrays.copyOfRange(all, offset, Math.min(all.length, offset + 64 * 1024));
            deliver(from, to, framer.frame(offset, chunk, all.length));
          }
          deliver(from, to, last);
          done.accept(null);
        } catch (IOException e) {
          done.accept(e);
        }
      }
    };
  }

  /** Snapshots node {@code id} installed from a leader. */
  long snapshotsInstalled(long id) {
    Member m = nodes.get(id);
    return m.node.call(() -> m.raft.snapshotsInstalled());
  }

  private void deliver(long from, long to, byte[] frame) {
    Member target = nodes.get(to);
    if (target == null || cut.contains(from + ">" + to)) {
      return;
    }
    target.node.owner.execute(() -> {
      if (nodes.get(to) == target) {
        target.raft.receive(from, frame);
      }
    });
  }

  /** Stops a node (as a clean shutdown: what it wrote stays on disk). */
  void stop(long id) {
    Member m = nodes.remove(id);
    m.node.call(() -> {
      m.raft.close();
      return null;
    });
    m.node.close();
  }

  /** Cuts every link between {@code group} and the other nodes, both ways. */
  void isolate(Set<Long> group) {
    for (long a : config.members().keySet()) {
      for (long b : config.members().keySet()) {
        if (group.contains(a) != group.contains(b)) {
          cut.add(a + ">" + b);
        }
      }
    }
  }

  /** Drops every frame from {@code from} to {@code to} (one way) until {@link #heal()}. */
  void cutOneWay(long from, long to) {
    cut.add(from + ">" + to);
  }

  void heal() {
    cut.clear();
  }

  TestNode node(long id) {
    return nodes.get(id).node;
  }

  /** A ready leader among running nodes, 0 if none. */
  long leader() {
    return leaders().keySet().stream().findFirst().orElse(0L);
  }

  /** Running nodes that consider themselves ready leaders, with their terms. */
  Map<Long, Long> leaders() {
    Map<Long, Long> out = new TreeMap<>();
    for (Map.Entry<Long, Member> e : nodes.entrySet()) {
      Member m = e.getValue();
      Long term = m.node.call(() -> m.raft.isReadyLeader() ? m.raft.term() : null);
      if (term != null) {
        out.put(e.getKey(), term);
      }
    }
    return out;
  }

  Set<Long> followersOf(long leader) {
    Set<Long> out = new HashSet<>(nodes.keySet());
    out.remove(leader);
    return out;
  }

  @Override
  public void close() {
    for (long id : Set.copyOf(nodes.keySet())) {
      try {
        stop(id);
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }
}
