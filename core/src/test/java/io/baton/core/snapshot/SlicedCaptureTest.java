package io.baton.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Identity;
import io.baton.core.session.SessionTable;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.EphemeralOwner;
import io.baton.core.tree.Paths;
import io.baton.core.tree.SystemNodes;
import io.baton.core.tree.TreeCapture;
import io.baton.core.tree.Znode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot captured a slice at a time, while the tree keeps changing between slices, holds the
 * tree exactly as it was when the capture began: loaded, it has the digest of a capture taken in
 * one go at that moment. Random trees and changes, from many seeds: creates (deep chains too),
 * deletes (whole subtrees, leaves first, so nodes vanish before the walk reaches them), deletes and
 * re-creates of one path, setData, setACL, ephemeral, container and TTL owners, and a built-in node
 * taken over by a logged create and returned by a delete.
 */
class SlicedCaptureTest {
  private static final List<Acl> RESTRICTED = List.of(new Acl(Perms.READ, new Identity("digest", "u:x")),
      new Acl(Perms.ALL, new Identity("ip", "127.0.0.1")));

  @TempDir
  Path dir;

  private long zxid;

  @Test
  void aSlicedCaptureHoldsTheTreeAsItWasWhenItBegan() throws Exception {
    for (int seed = 0; seed < 60; seed++) {
      Random random = new Random(seed);
      DataTree tree = new DataTree();
      TreeSet<String> paths = new TreeSet<>(List.of("/"));
      zxid = 1L << 32;
      for (int i = 0; i < 400; i++) {
        change(tree, paths, random);
      }
      SessionTable sessions = new SessionTable();
      sessions.open(5, 10_000);
      long at = zxid;
      long expected = digest(Images.capture(at, tree, sessions), "whole-" + seed);

      Images.Collector sink = new Images.Collector();
      SnapshotStore.Capture capture = SnapshotStore.begin(at, tree, sessions, sink);
      int budget = 1 + random.nextInt(8);
      int changes = 0;
      while (!capture.step(budget)) {
        for (int i = random.nextInt(6); i > 0; i--) {
          change(tree, paths, random);
          changes++;
        }
      }
      assertThat(changes).as("seed %d: changes made during the capture", seed).isPositive();
      capture.finish();
      assertThat(digest(sink.image(at), "sliced-" + seed)).as("seed %d", seed).isEqualTo(expected);
    }
  }

  @Test
  void deletedSubtreesTheWalkHadNotReachedComeBackParentsFirst() throws Exception {
    DataTree tree = new DataTree();
    zxid = 1L << 32;
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      deep.append("/d").append(i);
      create(tree, deep.toString(), 0);
    }
    for (int i = 0; i < 200; i++) {
      create(tree, "/w" + i, 0);
    }
    long at = zxid;
    long expected = digest(Images.capture(at, tree, new SessionTable()), "whole");

    Images.Collector sink = new Images.Collector();
    SnapshotStore.Capture capture = SnapshotStore.begin(at, tree, new SessionTable(), sink);
    capture.step(1);
    String path = deep.toString();
    while (!path.isEmpty()) { // leaves first, as deletes must go
      tree.delete(path, ++zxid);
      path = path.substring(0, path.lastIndexOf('/'));
    }
    create(tree, "/d0", 0); // the same path again, a new node
    while (!capture.step(3)) {
      tree.setData("/w" + (zxid % 200), bytes("x" + zxid), (int) (zxid % 1000), ++zxid, zxid);
    }
    capture.finish();
    assertThat(digest(sink.image(at), "sliced")).isEqualTo(expected);
  }

  @Test
  void replacingTheTreeAbortsTheCapture() {
    DataTree tree = new DataTree();
    zxid = 1L << 32;
    for (int i = 0; i < 50; i++) {
      create(tree, "/n" + i, 0);
    }
    SnapshotStore.Capture capture = SnapshotStore.begin(zxid, tree, new SessionTable(), new Images.Collector());
    capture.step(1);
    tree.replaceWith(new DataTree());
    assertThatThrownBy(() -> capture.step(100)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("replaced");
    // a new capture may start at once
    assertThat(Images.capture(zxid, tree, new SessionTable()).length()).isPositive();
  }

  @Test
  void aCaptureThatFailedHalfWayIsAbandonedAndTheNextOneWorks() throws Exception {
    DataTree tree = new DataTree();
    zxid = 1L << 32;
    for (int i = 0; i < 100; i++) {
      create(tree, "/n" + i, 0);
    }
    int[] writes = {0};
    TreeCapture failing = tree.capture(zxid, new TreeCapture.Records() {
      @Override
      public void write(byte[] path, int length, Znode node) {
        if (++writes[0] == 50) {
          throw new IllegalStateException("no room");
        }
      }

      @Override
      public byte[] record(byte[] path, int length, Znode node) {
        return new byte[0];
      }

      @Override
      public void write(byte[] record) {
      }
    });
    assertThatThrownBy(() -> failing.step(1_000)).hasMessage("no room");
    failing.abandon();
    assertThatThrownBy(() -> failing.step(1)).isInstanceOf(IllegalStateException.class);
    tree.setData("/n1", bytes("changed"), 1, ++zxid, zxid); // nothing keeps it now
    long at = zxid;
    long expected = digest(Images.capture(at, tree, new SessionTable()), "whole");
    Images.Collector sink = new Images.Collector();
    SnapshotStore.Capture next = SnapshotStore.begin(at, tree, new SessionTable(), sink);
    while (!next.step(7)) {
      tree.setData("/n" + (zxid % 100), bytes("x" + zxid), 2, ++zxid, zxid);
    }
    next.finish();
    assertThat(digest(sink.image(at), "next")).isEqualTo(expected);
  }

  private long digest(Images.Image image, String name) throws Exception {
    Path sub = Files.createDirectories(dir.resolve(name));
    Path file = Images.write(new SnapshotStore(sub), image);
    return SnapshotStore.load(file).tree().digest();
  }

  /** One random change the tree accepts. */
  private void change(DataTree tree, TreeSet<String> paths, Random random) {
    List<String> all = new ArrayList<>(paths);
    String some = all.get(random.nextInt(all.size()));
    int kind = random.nextInt(10);
    if (kind < 4 || paths.size() < 3) {
      if (some.chars().filter(c -> c == '/').count() < 12 && tree.get(some).ephemeralOwner() != 5) {
        String child = (some.equals("/") ? "" : some) + "/c" + random.nextInt(40);
        if (!paths.contains(child)) {
          long[] owners = {0, 0, 0, 5, EphemeralOwner.CONTAINER, EphemeralOwner.ttl(60_000)};
          create(tree, child, owners[random.nextInt(owners.length)]);
          paths.add(child);
        }
      }
    } else if (kind < 6) {
      if (!some.equals("/") && tree.get(some).numChildren() == 0) {
        tree.delete(some, ++zxid);
        paths.remove(some);
        if (random.nextBoolean() && tree.get(Paths.parent(some)) != null) {
          create(tree, some, 0); // the same path, a new node
          paths.add(some);
        }
      }
    } else if (kind == 6 && random.nextInt(4) == 0) {
      // a built-in node: a logged create takes its place, a delete returns it to its built-in state
      if (tree.adoptable(SystemNodes.CONFIG)) {
        create(tree, SystemNodes.CONFIG, 0);
      } else {
        tree.delete(SystemNodes.CONFIG, ++zxid);
      }
    } else if (kind < 9) {
      tree.setData(some, bytes("v" + random.nextInt(1000)), tree.get(some).version() + 1, ++zxid, zxid * 3);
    } else {
      tree.setAcl(some, random.nextBoolean() ? RESTRICTED : List.of(), tree.get(some).aversion() + 1);
    }
  }

  private void create(DataTree tree, String path, long owner) {
    String parent = Paths.parent(path);
    zxid++;
    tree.create(path, bytes(path + zxid), owner == 5 ? RESTRICTED : List.of(), owner,
        tree.get(parent).cversion() + 1, zxid, zxid * 2);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
