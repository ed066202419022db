package io.baton.core.tree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tree as it was at one zxid, written out a slice at a time while the tree goes on changing, so
 * a snapshot of a large tree never pauses its owner thread for long. Started by
 * {@link DataTree#capture}; each {@link #step} writes a bounded number of nodes.
 *
 * <p>Before the tree changes a node this capture has not written yet (its data, stat or ACL, its
 * child list, or its existence), it asks for the node's record as it is, and keeps it: the walk
 * writes the kept record in the node's place, skips nodes created after the zxid (and their
 * subtrees), and at its end writes the kept records of nodes deleted before it reached them, parents
 * first. Each node is thus written once, as it was at the zxid; a node is marked with the capture's
 * epoch once written or kept, so nothing is kept twice. The walk reads each child list from a copy
 * taken when it enters the list, so changes to the list cannot make it skip or repeat a child.
 * Replacing the whole tree ({@link DataTree#replaceWith}) aborts the capture. Owner thread only.
 */
public final class TreeCapture {
  /** Where the capture writes nodes (a snapshot image). */
  public interface Records {
    /** Writes the record of {@code node}, whose path is the first {@code length} bytes of {@code path}. */
    void write(byte[] path, int length, Znode node);

    /** The record {@link #write} would write now, as bytes to write later. */
    byte[] record(byte[] path, int length, Znode node);

    /** Writes a record made by {@link #record}. */
    void write(byte[] record);
  }

  private final DataTree tree;
  private final long zxid;
  private final int epoch;
  private final Records records;
  private final ArrayDeque<Level> stack = new ArrayDeque<>();
  private final Map<Znode, Kept> kept = new IdentityHashMap<>();
  private final long expected;
  /** The kept records of nodes the walk did not reach, parents first, once the walk is over. */
  private List<Kept> left;
  private int leftWritten;
  private byte[] path = new byte[256];
  private boolean done;
  private boolean aborted;
  private boolean replaced;
  private long written;

  TreeCapture(DataTree tree, long zxid, int epoch, Records records, Znode root, long nodeCount) {
    this.tree = tree;
    this.zxid = zxid;
    this.expected = nodeCount;
    this.epoch = epoch;
    this.records = records;
    path[0] = '/';
    records.write(path, 1, root);
    root.captured = epoch;
    written = 1;
    enter(root, 1);
  }

  /**
   * Writes more nodes, up to about {@code budget} units: a node counts one unit plus one per KiB of
   * its record, entering a child list one per 16 children copied (a list is copied whole). True once
   * every node is written.
   *
   * @throws TreeReplacedException if the tree was replaced since the capture started
   * @throws IllegalStateException if the capture was abandoned, or if the records written do not add up
   *     to the nodes the tree held (then the capture is abandoned)
   */
  public boolean step(int budget) {
    if (replaced) {
      throw new TreeReplacedException();
    }
    if (aborted) {
      throw new IllegalStateException("the capture was abandoned");
    }
    while (!done && budget > 0) {
      Level level = stack.peek();
      if (level == null) {
        budget = writeLeft(budget);
        continue;
      }
      if (level.cursor == level.children.length) {
        stack.pop();
        continue;
      }
      Znode child = level.children[level.cursor];
      level.children[level.cursor++] = null;
      byte[] key = child.key;
      int nameLength = NodeKey.nameLength(key);
      int length = level.parentLength + 1 + nameLength;
      if (length > path.length) {
        path = Arrays.copyOf(path, Math.max(length, path.length * 2));
      }
      path[level.parentLength] = '/';
      System.arraycopy(key, NodeKey.nameOffset(key), path, level.parentLength + 1, nameLength);
      Kept k = kept.remove(child);
      if (k != null) {
        records.write(k.record);
        budget -= 1 + k.record.length / 1024;
      } else if (child.czxid > zxid) {
        continue; // created after the zxid: neither it nor its subtree existed then
      } else {
        records.write(path, length, child);
        child.captured = epoch;
        budget -= 1 + child.dataLength() / 1024;
      }
      written++;
      budget -= enter(child, length);
    }
    return done;
  }

  /** Pushes a copy of {@code node}'s child list; returns the copy's cost in budget units. */
  private int enter(Znode node, int pathLength) {
    if (node.children == null || node.children.size() == 0) {
      return 0;
    }
    Znode[] copy = node.children.toArray();
    stack.push(new Level(pathLength == 1 ? 0 : pathLength, copy));
    return copy.length / 16;
  }

  /**
   * After the walk: writes the kept records of nodes it did not reach (deleted before it came),
   * parents first, within {@code budget}; returns what is left of it. Ends the capture after the last.
   */
  private int writeLeft(int budget) {
    if (left == null) {
      left = new ArrayList<>(kept.values());
      left.sort(Comparator.comparingInt(Kept::depth));
      kept.clear();
    }
    while (leftWritten < left.size() && budget > 0) {
      Kept k = left.get(leftWritten++);
      records.write(k.record);
      written++;
      budget -= 1 + k.record.length / 1024;
    }
    if (leftWritten == left.size()) {
      left = null;
      tree.captureEnded(this);
      if (written != expected) {
        aborted = true;
        throw new IllegalStateException("a capture at zxid 0x" + Long.toHexString(zxid) + " wrote " + written
            + " nodes of the " + expected + " the tree held");
      }
      done = true;
    }
    return budget;
  }

  /** Stops the capture for good (it failed, or its snapshot is no longer wanted); the tree no longer tells it of changes. */
  public void abandon() {
    abort();
    tree.captureEnded(this);
  }

  /**
   * Called by the tree before it changes {@code node} (path: the first {@code length} bytes of
   * {@code nodePath}): keeps the node's record if the capture has not written it yet and the node
   * existed at the zxid.
   */
  void beforeChange(Znode node, byte[] nodePath, int length) {
    if (node.captured == epoch || node.czxid > zxid) {
      return;
    }
    int depth = 0;
    for (int i = 0; i < length; i++) {
      if (nodePath[i] == '/') {
        depth++;
      }
    }
    kept.put(node, new Kept(records.record(nodePath, length, node), depth));
    node.captured = epoch;
  }

  /** The tree's content was replaced (a snapshot installed from the leader): the capture cannot go on. */
  void replaced() {
    replaced = true;
    abort();
  }

  private void abort() {
    aborted = true;
    stack.clear();
    kept.clear();
    left = null;
  }

  /** A child list being walked: a copy of its children and how far the walk is in it. */
  private static final class Level {
    final int parentLength;
    final Znode[] children;
    int cursor;

    Level(int parentLength, Znode[] children) {
      this.parentLength = parentLength;
      this.children = children;
    }
  }

  private record Kept(byte[] record, int depth) {
  }

  /** The tree was replaced while it was being captured; the capture is over. */
  public static final class TreeReplacedException extends IllegalStateException {
    TreeReplacedException() {
      super("the tree was replaced while it was being captured");
    }
  }
}
