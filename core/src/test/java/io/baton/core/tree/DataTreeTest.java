package io.baton.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The tree's compact layout (shared name/data arrays, open-addressing child tables) against a plain map. */
class DataTreeTest {
  private static final String[] NAMES = {"a", "n-0000000001", "ключ", "名前", "x".repeat(200), "é", "a b", "zz"};

  @Test
  void randomCreatesDeletesAndSetsMatchAPlainMap() {
    Random random = new Random(42);
    DataTree tree = new DataTree();
    Map<String, String> model = new TreeMap<>();
    model.put("/", "");
    for (String system : SystemNodes.PATHS) {
      model.put(system, "");
    }
    List<String> paths = new ArrayList<>(List.of("/"));
    long zxid = 0;
    for (int step = 0; step < 60_000; step++) {
      zxid++;
      int action = random.nextInt(10);
      if (action < 5 || paths.size() < 3) {
        String parent = paths.get(random.nextInt(Math.min(paths.size(), 40)));
        String name = random.nextInt(4) == 0 ? NAMES[random.nextInt(NAMES.length)] + random.nextInt(50)
            : "c" + random.nextInt(3_000);
        String path = Paths.child(parent, name);
        if (!model.containsKey(path)) {
          String data = "d" + step;
          Znode p = tree.get(parent);
          tree.create(path, bytes(data), random.nextInt(8) == 0 ? 77 : 0, p.cversion() + 1, zxid, step);
          model.put(path, data);
          paths.add(path);
        }
      } else if (action < 8) {
        String path = paths.get(1 + random.nextInt(paths.size() - 1));
        if (tree.get(path).numChildren() == 0) {
          tree.delete(path, zxid);
          model.remove(path);
          paths.remove(path);
        }
      } else {
        String path = paths.get(random.nextInt(paths.size()));
        String data = random.nextBoolean() ? "" : "v".repeat(random.nextInt(300));
        tree.setData(path, bytes(data), tree.get(path).version() + 1, zxid, step);
        model.put(path, data);
      }
    }
    assertThat(tree.nodeCount()).isEqualTo(model.size());
    for (Map.Entry<String, String> e : model.entrySet()) {
      Znode node = tree.get(e.getKey());
      assertThat(node).as(e.getKey()).isNotNull();
      assertThat(new String(node.data(), StandardCharsets.UTF_8)).isEqualTo(e.getValue());
      assertThat(node.dataLength()).isEqualTo(bytes(e.getValue()).length);
      List<String> expected = model.keySet().stream()
          .filter(p -> !p.equals("/") && Paths.parent(p).equals(e.getKey()))
          .map(Paths::name).sorted().collect(Collectors.toList());
      assertThat(node.childNames()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(node.numChildren()).isEqualTo(expected.size());
    }
    assertThat(tree.get("/missing")).isNull();
    assertThat(tree.get("/c1/missing/deeper")).isNull();

    List<String> walked = new ArrayList<>();
    tree.walk((path, node) -> walked.add(path));
    assertThat(walked).containsExactlyInAnyOrderElementsOf(model.keySet());
    List<String> walkedBytes = captured(tree, (p, node) -> assertThat(node).isSameAs(tree.get(p)));
    assertThat(walkedBytes).containsExactlyInAnyOrderElementsOf(model.keySet());
  }

  @Test
  void aRestoredCopyHasTheSameDigestAndStats() {
    DataTree tree = new DataTree();
    tree.create("/p", bytes("parent"), 0, 1, 1, 10);
    for (int i = 0; i < 1_000; i++) {
      tree.create("/p/" + NAMES[i % NAMES.length] + i, bytes("v" + i), i % 3 == 0 ? 5 : 0, i + 2, i + 2, 20 + i);
    }
    for (int i = 0; i < 1_000; i += 2) {
      tree.delete("/p/" + NAMES[i % NAMES.length] + i, 2_000 + i);
    }
    tree.create("/leaf", new byte[0], 0, 1_002, 5_000, 30);
    tree.create("/leaf/x", new byte[0], 0, 1, 5_001, 31);
    tree.delete("/leaf/x", 5_002);

    DataTree copy = new DataTree();
    DataTree.Restorer restorer = copy.restorer();
    tree.walk((path, node) -> {
      Stat s = node.stat();
      restorer.restore(path, node.data(), new Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(),
          node.cversion(), s.aversion(), s.ephemeralOwner(), s.dataLength(), s.numChildren(), s.pzxid()),
          tree.acl(node));
    });

    assertThat(copy.digest()).isEqualTo(tree.digest());
    assertThat(copy.nodeCount()).isEqualTo(tree.nodeCount()).as("with the 3 built-in /zookeeper nodes").isEqualTo(506);
    assertThat(copy.get("/leaf").stat()).isEqualTo(tree.get("/leaf").stat());
    assertThat(copy.get("/leaf").stat().pzxid()).isEqualTo(5_002);
    assertThat(copy.get("/leaf").cversion()).isEqualTo(1);
    assertThat(copy.get("/p").stat()).isEqualTo(tree.get("/p").stat());
    assertThat(copy.get("/p/" + NAMES[3] + 3).ephemeralOwner()).isEqualTo(5);
    assertThat(copy.ephemerals(5)).isEqualTo(tree.ephemerals(5));
  }

  @Test
  void aParentThatLosesItsChildrenKeepsPzxidAndShrinks() {
    DataTree tree = new DataTree();
    tree.create("/q", new byte[0], 0, 1, 1, 0);
    for (int i = 0; i < 10_000; i++) {
      tree.create("/q/" + i, new byte[] {(byte) i}, 0, i + 1, 2 + i, 0);
    }
    for (int i = 0; i < 10_000; i++) {
      tree.delete("/q/" + i, 20_000 + i);
      if (i % 997 == 0) {
        assertThat(tree.get("/q/" + (i + 1)).data()).containsExactly((byte) (i + 1));
      }
    }
    Stat stat = tree.get("/q").stat();
    assertThat(stat.numChildren()).isZero();
    assertThat(stat.cversion()).as("creates and deletes of children").isEqualTo(20_000);
    assertThat(tree.get("/q").cversion()).as("creates, for sequential names").isEqualTo(10_000);
    assertThat(stat.pzxid()).isEqualTo(29_999);
    assertThat(tree.get("/q").childNames()).isEmpty();
  }

  @Test
  void walksOfAVeryDeepTreeNeedNoStack() throws Exception {
    DataTree tree = new DataTree();
    String path = "";
    for (int level = 0; level < 3_000; level++) {
      String parent = path.isEmpty() ? "/" : path;
      tree.create(path + "/z", new byte[0], 0, 1, 2 * level + 1, 0);
      tree.create(path + "/a", bytes("" + level), 0, 2, 2 * level + 2, 0);
      path = path + "/z";
      assertThat(tree.get(parent).numChildren()).isEqualTo(parent.equals("/") ? 3 : 2); // and /zookeeper
    }
    List<String> walked = new ArrayList<>();
    List<List<String>> walkedBytes = new ArrayList<>();
    long[] digest = new long[1];
    Throwable[] failure = new Throwable[1];
    // a small stack: any recursion per level would overflow it
    Thread t = new Thread(null, () -> {
      try {
        tree.walk((p, node) -> walked.add(p));
        walkedBytes.add(captured(tree, (p, node) -> { }));
        digest[0] = tree.digest();
      } catch (Throwable e) {
        failure[0] = e;
      }
    }, "small-stack", 128 * 1024);
    t.start();
    t.join();
    assertThat(failure[0]).isNull();
    assertThat(walked).hasSize(6_001 + SystemNodes.PATHS.size()).startsWith("/", "/a", "/z", "/z/a", "/z/z");
    assertThat(walkedBytes.get(0)).containsExactlyInAnyOrderElementsOf(walked);
    assertThat(digest[0]).isNotZero();
    // parents come before their children in both walks
    assertThat(walkedBytes.get(0).indexOf("/z/z")).isLessThan(walkedBytes.get(0).indexOf("/z/z/a"));
  }

  /** The paths a capture of the unchanging tree writes, in its order; {@code check} sees each node. */
  private static List<String> captured(DataTree tree, java.util.function.BiConsumer<String, Znode> check) {
    List<String> out = new ArrayList<>();
    TreeCapture capture = tree.capture(Long.MAX_VALUE, new TreeCapture.Records() {
      @Override
      public void write(byte[] path, int length, Znode node) {
        String p = new String(path, 0, length, StandardCharsets.UTF_8);
        check.accept(p, node);
        out.add(p);
      }

      @Override
      public byte[] record(byte[] path, int length, Znode node) {
        throw new AssertionError("the tree does not change");
      }

      @Override
      public void write(byte[] record) {
        throw new AssertionError("the tree does not change");
      }
    });
    while (!capture.step(100)) {
      // small steps: the walk resumes where it stopped
    }
    return out;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
