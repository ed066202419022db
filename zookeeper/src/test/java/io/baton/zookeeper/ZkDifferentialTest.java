package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A differential test: one seeded random sequence of operations from 3 sessions, through the official
 * client, against a real ZooKeeper 3.9.5 server and against a Baton node. Creates of every mode,
 * deletes, sets, multis, multiReads, reads with one-shot watches, persistent watches, watch removals,
 * ACLs, session closes. Every reply (paths, error codes, stats with zxids and times compared by
 * relation) and every watch event must be the same. The deliberate differences README's Semantics section lists are excluded by name
 * here ({@link #DELIBERATE}) and nowhere else.
 */
class ZkDifferentialTest {
  /** README's deliberate differences this test has to step around, by name. */
  static final Map<String, String> DELIBERATE = Map.of(
      "children-order", "getChildren returns names sorted; ZooKeeper's order is its hash set's",
      "close-event-order", "a closing session's ephemerals are deleted in path order; ZooKeeper's order is its hash"
          + " set's (the events of one close come in another order)");
  private static final int OPS = Integer.getInteger("baton.diff.ops", 2_000);
  private static final long SEED = Long.getLong("baton.diff.seed", 20_261_202L);
  private static final int SESSIONS = 3;
  private static final String ROOT = "/d";
  private static final String[] NAMES = {"a", "b", "c", "job-", "lock-", "x"};

  @TempDir
  Path dir;

  private final Random random = new Random(SEED);
  private final List<String> known = new ArrayList<>(List.of(ROOT));
  private final Set<String> containers = new LinkedHashSet<>();
  private final List<ACL> alice = new ArrayList<>();

  @Test
  void zooKeeperAndBatonAnswerEverythingAlike() throws Exception {
    alice.add(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest(DiffTarget.ALICE))));
    alice.add(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    try (RealZooKeeper real = RealZooKeeper.start(dir.resolve("zookeeper"));
         ZkNode baton = ZkNode.start(dir.resolve("baton"));
         DiffTarget zk = new DiffTarget("ZooKeeper", real.connectString(), SESSIONS);
         DiffTarget bt = new DiffTarget("Baton", baton.connectString(), SESSIONS)) {
      List<String> history = new ArrayList<>();
      int succeeded = 0;
      for (DiffTarget t : List.of(zk, bt)) {
        t.session(0).create(ROOT, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        t.session(1).addWatch(ROOT, AddWatchMode.PERSISTENT_RECURSIVE);
        t.session(2).addWatch(ROOT, AddWatchMode.PERSISTENT_RECURSIVE);
      }
      for (int i = 0; i < OPS; i++) {
        Operation op = next();
        String expected = op.run(zk);
        String actual = op.run(bt);
        history.add(i + ": " + op + " -> " + expected);
        if (!expected.startsWith("ERR") && !expected.startsWith("MULTI-ERR")) {
          succeeded++;
        }
        if (!expected.equals(actual)) {
          throw new AssertionError("operation " + i + " " + op + "\n  ZooKeeper: " + expected + "\n  Baton:     "
              + actual + "\nlast operations:\n  " + String.join("\n  ", tail(history)));
        }
        op.learn(expected);
        int[] before = new int[SESSIONS];
        for (int s = 0; s < SESSIONS; s++) {
          before[s] = zk.events(s).size();
        }
        zk.drainEvents();
        bt.drainEvents();
        if (op instanceof Close && DELIBERATE.containsKey("close-event-order")) {
          for (int s = 0; s < SESSIONS; s++) {
            Collections.sort(zk.events(s).subList(before[s], zk.events(s).size()));
            Collections.sort(bt.events(s).subList(Math.min(before[s], bt.events(s).size()), bt.events(s).size()));
          }
        }
        for (int s = 0; s < SESSIONS; s++) {
          if (!zk.events(s).equals(bt.events(s))) {
            throw new AssertionError("after operation " + i + " " + op + ", session " + s + "'s watch events differ"
                + "\n  ZooKeeper: " + tail(zk.events(s)) + "\n  Baton:     " + tail(bt.events(s))
                + "\nlast operations:\n  " + String.join("\n  ", tail(history)));
          }
        }
      }
      assertThat(bt.zxidOrder()).as("zxids in the same order").isEqualTo(zk.zxidOrder());
      int events = 0;
      for (int s = 0; s < SESSIONS; s++) {
        events += zk.events(s).size();
      }
      assertThat(events).as("watch events compared").isGreaterThan(OPS / 20);
      assertThat(succeeded).as("operations that succeeded").isGreaterThan(OPS * 2 / 5);
    }
  }

  private static List<String> tail(List<String> list) {
    return list.subList(Math.max(0, list.size() - 12), list.size());
  }

  // ---------------------------------------------------------------- operations

  /** One operation of one session, run alike on both servers; {@link #learn} updates the generator. */
  private abstract static class Operation {
    final int slot;

    Operation(int slot) {
      this.slot = slot;
    }

    /** Runs on {@code t} and renders the outcome. */
    String run(DiffTarget t) throws Exception {
      try {
        return call(t, t.session(slot));
      } catch (KeeperException e) {
        if (e.getResults() != null) {
          List<String> codes = new ArrayList<>();
          for (OpResult r : e.getResults()) {
            codes.add(r instanceof OpResult.ErrorResult er ? KeeperException.Code.get(er.getErr()).name() : "?");
          }
          return "MULTI-ERR " + e.code() + " " + codes;
        }
        return "ERR " + e.code();
      }
    }

    abstract String call(DiffTarget t, ZooKeeper zk) throws Exception;

    void learn(String outcome) {
    }
  }

  private Operation next() {
    int slot = random.nextInt(SESSIONS);
    int kind = random.nextInt(100);
    if (kind < 25) {
      return create(slot);
    } else if (kind < 35) {
      String path = deletable();
      int version = random.nextInt(4) == 0 ? random.nextInt(3) : -1;
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          zk.delete(path, version);
          return "deleted";
        }

        void learn(String outcome) {
          if (outcome.equals("deleted")) {
            known.remove(path);
          }
        }

        public String toString() {
          return "s" + slot + " delete " + path + " v" + version;
        }
      };
    } else if (kind < 47) {
      String path = existing();
      byte[] data = data();
      int version = random.nextInt(4) == 0 ? random.nextInt(3) : -1;
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          return t.stat(zk.setData(path, data, version));
        }

        public String toString() {
          return "s" + slot + " setData " + path + " v" + version;
        }
      };
    } else if (kind < 57) {
      String path = existing();
      boolean watch = random.nextBoolean();
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          Stat s = new Stat();
          byte[] d = zk.getData(path, watch, s);
          return "data=" + (d == null ? null : new String(d, StandardCharsets.UTF_8)) + " " + t.stat(s);
        }

        public String toString() {
          return "s" + slot + " getData " + path + (watch ? " watch" : "");
        }
      };
    } else if (kind < 65) {
      String path = random.nextInt(4) == 0 ? fresh(existing()) : existing();
      boolean watch = random.nextBoolean();
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          return t.stat(zk.exists(path, watch));
        }

        public String toString() {
          return "s" + slot + " exists " + path + (watch ? " watch" : "");
        }
      };
    } else if (kind < 73) {
      String path = existing();
      boolean watch = random.nextBoolean();
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          Stat s = new Stat();
          List<String> names = new ArrayList<>(zk.getChildren(path, watch, s));
          if (DELIBERATE.containsKey("children-order")) {
            Collections.sort(names);
          }
          return names + " " + t.stat(s);
        }

        public String toString() {
          return "s" + slot + " getChildren " + path + (watch ? " watch" : "");
        }
      };
    } else if (kind < 83) {
      return multi(slot);
    } else if (kind < 86) {
      String path = existing();
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          Stat s = new Stat();
          List<ACL> acl = zk.getACL(path, s);
          return acl + " " + t.stat(s);
        }

        public String toString() {
          return "s" + slot + " getACL " + path;
        }
      };
    } else if (kind < 89) {
      String path = deletable(); // the root keeps its open ACL, or most of the run would be refusals
      List<ACL> acl = acl();
      int version = random.nextInt(3) == 0 ? random.nextInt(2) : -1;
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          return t.stat(zk.setACL(path, acl, version));
        }

        public String toString() {
          return "s" + slot + " setACL " + path + " " + acl + " v" + version;
        }
      };
    } else if (kind < 91) {
      List<Op> reads = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        reads.add(random.nextBoolean() ? Op.getData(existing()) : Op.getChildren(existing()));
      }
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          List<String> out = new ArrayList<>();
          for (OpResult r : zk.multi(reads)) {
            if (r instanceof OpResult.GetDataResult d) {
              out.add("data=" + new String(d.getData(), StandardCharsets.UTF_8) + " " + t.stat(d.getStat()));
            } else if (r instanceof OpResult.GetChildrenResult c) {
              List<String> names = new ArrayList<>(c.getChildren());
              if (DELIBERATE.containsKey("children-order")) {
                Collections.sort(names);
              }
              out.add(names.toString());
            } else {
              out.add(KeeperException.Code.get(((OpResult.ErrorResult) r).getErr()).name());
            }
          }
          return "READ " + out;
        }

        public String toString() {
          List<String> paths = new ArrayList<>();
          reads.forEach(r -> paths.add(r.getClass().getSimpleName() + " " + r.getPath()));
          return "s" + slot + " multiRead " + paths;
        }
      };
    } else if (kind < 93) {
      String path = existing();
      Watcher.WatcherType type = Watcher.WatcherType.values()[random.nextInt(Watcher.WatcherType.values().length)];
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          zk.removeAllWatches(path, type, false);
          return "removed";
        }

        public String toString() {
          return "s" + slot + " removeAllWatches " + path + " " + type;
        }
      };
    } else if (kind < 95) {
      String prefix = random.nextBoolean() ? ROOT : existing();
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          List<String> e = new ArrayList<>(zk.getEphemerals(prefix));
          Collections.sort(e);
          return e + " of " + zk.getAllChildrenNumber(ROOT);
        }

        public String toString() {
          return "s" + slot + " getEphemerals " + prefix;
        }
      };
    } else if (kind < 97) {
      return new Close(slot);
    } else {
      String path = existing();
      AddWatchMode mode = random.nextBoolean() ? AddWatchMode.PERSISTENT : AddWatchMode.PERSISTENT_RECURSIVE;
      return new Operation(slot) {
        String call(DiffTarget t, ZooKeeper zk) throws Exception {
          zk.addWatch(path, mode);
          return "watching";
        }

        public String toString() {
          return "s" + slot + " addWatch " + path + " " + mode;
        }
      };
    }
  }

  /** Closes a session (its ephemerals go) and opens another in its slot. */
  private static final class Close extends Operation {
    Close(int slot) {
      super(slot);
    }

    String call(DiffTarget t, ZooKeeper zk) throws Exception {
      t.reopen(slot);
      return "reopened";
    }

    public String toString() {
      return "s" + slot + " close and reopen";
    }
  }

  private Operation create(int slot) {
    String parent = parent();
    String path = Paths2.child(parent, NAMES[random.nextInt(NAMES.length)]);
    CreateMode mode = mode();
    byte[] data = data();
    List<ACL> acl = acl();
    boolean withStat = mode.isTTL() || random.nextBoolean();
    return new Operation(slot) {
      String call(DiffTarget t, ZooKeeper zk) throws Exception {
        if (!withStat) {
          return "path=" + zk.create(path, data, acl, mode);
        }
        Stat s = new Stat();
        String created = mode.isTTL() ? zk.create(path, data, acl, mode, s, 3_600_000)
            : zk.create(path, data, acl, mode, s);
        return "path=" + created + " " + t.stat(s);
      }

      void learn(String outcome) {
        if (outcome.startsWith("path=")) {
          String created = outcome.substring(5).split(" ")[0];
          known.add(created);
          if (mode == CreateMode.CONTAINER) {
            containers.add(created);
          }
        }
      }

      public String toString() {
        return "s" + slot + " create " + path + " " + mode + " " + acl + (withStat ? " +stat" : "");
      }
    };
  }

  private Operation multi(int slot) {
    List<Op> ops = new ArrayList<>();
    List<String> made = new ArrayList<>();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      int k = random.nextInt(4);
      if (k == 0) {
        String path = Paths2.child(parent(), NAMES[random.nextInt(NAMES.length)]);
        CreateMode mode = random.nextBoolean() ? CreateMode.PERSISTENT : CreateMode.PERSISTENT_SEQUENTIAL;
        ops.add(Op.create(path, data(), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode));
        made.add(path);
      } else if (k == 1) {
        ops.add(Op.delete(deletable(), -1));
      } else if (k == 2) {
        ops.add(Op.setData(existing(), data(), random.nextInt(3) == 0 ? random.nextInt(2) : -1));
      } else {
        ops.add(Op.check(existing(), random.nextInt(2) == 0 ? -1 : random.nextInt(2)));
      }
    }
    return new Operation(slot) {
      String call(DiffTarget t, ZooKeeper zk) throws Exception {
        List<String> out = new ArrayList<>();
        for (OpResult r : zk.multi(ops)) {
          if (r instanceof OpResult.CreateResult c) {
            out.add("created " + c.getPath() + " " + t.stat(c.getStat()));
          } else if (r instanceof OpResult.SetDataResult s) {
            out.add("set " + t.stat(s.getStat()));
          } else {
            out.add(r.getClass().getSimpleName());
          }
        }
        return "MULTI " + out;
      }

      void learn(String outcome) {
        if (outcome.startsWith("MULTI [")) {
          for (String part : outcome.split("created ")) {
            if (part.startsWith("/")) {
              known.add(part.split(" ")[0]);
            }
          }
        }
      }

      public String toString() {
        List<String> kinds = new ArrayList<>();
        for (Op op : ops) {
          kinds.add(op.getClass().getSimpleName() + " " + op.getPath());
        }
        return "s" + slot + " multi " + kinds;
      }
    };
  }

  /** A node likely to exist: most recently learned ones more often. */
  private String existing() {
    if (random.nextInt(10) == 0) {
      return fresh(ROOT);
    }
    return known.get(random.nextInt(known.size()));
  }

  /** A node to delete: never the test's root. */
  private String deletable() {
    String p = existing();
    return p.equals(ROOT) ? fresh(ROOT) : p;
  }

  /** A parent for a create: not a container (whose reaping differs in time), at most 3 levels deep. */
  private String parent() {
    for (int attempt = 0; attempt < 10; attempt++) {
      String p = existing();
      if (!containers.contains(p) && p.chars().filter(c -> c == '/').count() <= 3) {
        return p;
      }
    }
    return ROOT;
  }

  private String fresh(String parent) {
    return Paths2.child(parent, "new" + random.nextInt(5));
  }

  private CreateMode mode() {
    int m = random.nextInt(10);
    return switch (m) {
      case 0, 1, 2 -> CreateMode.PERSISTENT;
      case 3 -> CreateMode.EPHEMERAL;
      case 4, 5 -> CreateMode.PERSISTENT_SEQUENTIAL;
      case 6 -> CreateMode.EPHEMERAL_SEQUENTIAL;
      case 7 -> CreateMode.CONTAINER;
      case 8 -> CreateMode.PERSISTENT_WITH_TTL;
      default -> CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
    };
  }

  private byte[] data() {
    return random.nextInt(5) == 0 ? new byte[0] : ("v" + random.nextInt(100)).getBytes(StandardCharsets.UTF_8);
  }

  private List<ACL> acl() {
    int a = random.nextInt(10);
    if (a < 6) {
      return ZooDefs.Ids.OPEN_ACL_UNSAFE;
    } else if (a == 6) {
      return ZooDefs.Ids.READ_ACL_UNSAFE;
    } else if (a == 7) {
      return ZooDefs.Ids.CREATOR_ALL_ACL;
    }
    return alice;
  }

  /** Path helpers. */
  private static final class Paths2 {
    static String child(String parent, String name) {
      return parent.equals("/") ? "/" + name : parent + "/" + name;
    }
  }
}
