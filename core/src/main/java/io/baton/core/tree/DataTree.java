package io.baton.core.tree;

import io.baton.core.acl.Acl;
import io.baton.core.acl.AclTable;
import io.baton.core.error.BatonException;
import io.baton.core.quota.QuotaIndex;
import io.baton.core.quota.QuotaLimits;
import io.baton.core.quota.Quotas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The znode tree. Applies already-validated changes (see {@code io.baton.core.txn}) exactly as
 * ZooKeeper's {@code DataTree} does and keeps indexes of ephemerals, containers and TTL nodes.
 * Not thread-safe: one thread (the coordinator's context) owns it.
 */
public final class DataTree {
  private final Znode root = new Znode(NodeKey.ROOT, 0, 0);
  private final Map<Long, Set<String>> ephemerals = new HashMap<>();
  /** UTF-8 bytes of the ephemeral paths of each session (what closing it must carry in its entry). */
  private final Map<Long, Long> ephemeralBytes = new HashMap<>();
  private final TreeSet<String> containers = new TreeSet<>();
  private final TreeSet<String> ttls = new TreeSet<>();
  private long nodeCount = 1;
  private long dataBytes;
  private AclTable acls = new AclTable();
  private QuotaIndex quotas = new QuotaIndex();
  private TreeCapture capture;
  private int captureEpoch;

  /** An empty tree: the root and ZooKeeper's built-in nodes ({@link SystemNodes}). */
  public DataTree() {
    for (String path : SystemNodes.PATHS) {
      byte[] p = path.getBytes(StandardCharsets.UTF_8);
      int slash = lastSlash(p);
      Znode node = Znode.of(NodeKey.of(p, slash + 1, p.length - slash - 1, new byte[0]), 0, 0, 0);
      List<Acl> acl = SystemNodes.acl(path);
      node.acl = acl.isEmpty() ? AclTable.OPEN : acls.acquire(acl);
      descend(p, slash).childTable().add(node); // not counted in the parent's cversion, as in ZooKeeper
      nodeCount++;
    }
  }

  /**
   * Whether a logged create of {@code path} takes the place of a built-in node (a log written before
   * {@link SystemNodes} were built in): the path is one of them and still holds its built-in state.
   */
  public boolean adoptable(String path) {
    if (!SystemNodes.isSystem(path)) {
      return false;
    }
    Znode node = get(path);
    return node != null && node.czxid == 0;
  }

  /** The node at {@code path}, or null. */
  public Znode get(String path) {
    if (path.length() == 1) {
      return root;
    }
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    return descend(p, p.length);
  }

  /** The node at the path made of the first {@code end} bytes of {@code p} (root if {@code end} is 0). */
  private Znode descend(byte[] p, int end) {
    Znode node = root;
    int start = 1;
    while (start < end && node != null) {
      int slash = start;
      while (slash < end && p[slash] != '/') {
        slash++;
      }
      node = node.child(p, start, slash - start);
      start = slash + 1;
    }
    return node;
  }

  private static int lastSlash(byte[] p) {
    int i = p.length - 1;
    while (p[i] != '/') {
      i--;
    }
    return i;
  }

  /**
   * Replaces this tree's whole content with {@code other}'s (a snapshot installed from the leader);
   * {@code other} must not be used afterwards.
   */
  public void replaceWith(DataTree other) {
    if (capture != null) {
      capture.replaced();
      capture = null;
    }
    root.copyFrom(other.root);
    ephemerals.clear();
    ephemerals.putAll(other.ephemerals);
    ephemeralBytes.clear();
    ephemeralBytes.putAll(other.ephemeralBytes);
    containers.clear();
    containers.addAll(other.containers);
    ttls.clear();
    ttls.addAll(other.ttls);
    nodeCount = other.nodeCount;
    dataBytes = other.dataBytes;
    acls = other.acls;
    quotas = other.quotas;
  }

  public long nodeCount() {
    return nodeCount;
  }

  /** Total bytes of data held by all nodes (ZooKeeper's approximate data size, without paths). */
  public long dataBytes() {
    return dataBytes;
  }

  /** Creates a node open to all; its parent must exist and the node must not. */
  public Znode create(String path, byte[] data, long ephemeralOwner, int parentCVersion, long zxid, long time) {
    return create(path, data, List.of(), ephemeralOwner, parentCVersion, zxid, time);
  }

  /** Creates a node with {@code acl} (empty: open to all); its parent must exist and the node must not. */
  public Znode create(String path, byte[] data, List<Acl> acl, long ephemeralOwner, int parentCVersion, long zxid,
                      long time) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    int slash = lastSlash(p);
    Znode parent = descend(p, slash);
    if (parent == null) {
      throw new IllegalStateException("create " + path + ": parent missing");
    }
    Znode existing = parent.child(p, slash + 1, p.length - slash - 1);
    if (existing != null) {
      if (ephemeralOwner != 0 || !adoptable(path)) {
        throw new IllegalStateException("create " + path + ": exists");
      }
      changing(parent, p, slash);
      changing(existing, p, p.length);
      return adopt(existing, path, data, acl, parent, parentCVersion, zxid, time);
    }
    changing(parent, p, slash);
    Znode node = Znode.of(NodeKey.of(p, slash + 1, p.length - slash - 1, data), zxid, time, ephemeralOwner);
    node.acl = acl.isEmpty() ? AclTable.OPEN : acls.acquire(acl);
    parent.childTable().add(node);
    parent.childrenChanged(parentCVersion, zxid);
    nodeCount++;
    dataBytes += data.length;
    index(path, ephemeralOwner);
    quotas.charge(path, 1, data.length);
    quotaNodeChanged(path, data);
    return node;
  }

  /** A built-in node takes the stat, data and ACL of a logged create of its path (see {@link SystemNodes}). */
  private Znode adopt(Znode node, String path, byte[] data, List<Acl> acl, Znode parent, int parentCVersion,
                      long zxid, long time) {
    quotas.charge(path, 0, data.length - node.dataLength());
    reset(node, data, acl, zxid, time);
    parent.childrenChanged(parentCVersion, zxid);
    return node;
  }

  /** Gives a built-in node a fresh node's stat (created at {@code zxid}), keeping its children. */
  private void reset(Znode node, byte[] data, List<Acl> acl, long zxid, long time) {
    node.key = NodeKey.withData(node.key, data);
    node.czxid = zxid;
    node.mzxid = zxid;
    node.ctime = time;
    node.mtime = time;
    node.version = 0;
    node.aversion = 0;
    int next = acl.isEmpty() ? AclTable.OPEN : acls.acquire(acl);
    acls.release(node.acl);
    node.acl = next;
    if (node.children != null) {
      node.childrenChanged(0, zxid);
    }
  }

  /** Deletes a node without children; a built-in node returns to its built-in state instead ({@link SystemNodes}). */
  public Znode delete(String path, long zxid) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    int slash = lastSlash(p);
    Znode parent = descend(p, slash);
    Znode node = parent == null ? null : parent.child(p, slash + 1, p.length - slash - 1);
    if (node == null) {
      throw new IllegalStateException("delete " + path + ": missing");
    }
    changing(parent, p, slash);
    changing(node, p, p.length);
    if (SystemNodes.isSystem(path)) {
      quotas.charge(path, 0, -node.dataLength());
      reset(node, new byte[0], SystemNodes.acl(path), 0, 0);
      if (zxid > parent.pzxid()) {
        parent.childrenChanged(parent.cversion(), zxid);
      }
      return node;
    }
    parent.children.remove(p, slash + 1, p.length - slash - 1);
    if (zxid > parent.pzxid()) {
      parent.childrenChanged(parent.cversion(), zxid);
    }
    nodeCount--;
    dataBytes -= node.dataLength();
    unindex(path, node.ephemeralOwner());
    acls.release(node.acl);
    quotas.charge(path, -1, -node.dataLength());
    quotaNodeChanged(path, null);
    return node;
  }

  /** Replaces a node's data and sets its version. */
  public Znode setData(String path, byte[] data, int version, long zxid, long time) {
    Znode node = get(path);
    if (node == null) {
      throw new IllegalStateException("setData " + path + ": missing");
    }
    if (capture != null) {
      byte[] p = path.getBytes(StandardCharsets.UTF_8);
      changing(node, p, p.length);
    }
    quotas.charge(path, 0, data.length - node.dataLength());
    dataBytes += data.length - node.dataLength();
    quotaNodeChanged(path, data);
    node.key = NodeKey.withData(node.key, data);
    node.version = version;
    node.mzxid = zxid;
    node.mtime = time;
    return node;
  }

  /** Replaces a node's ACL and sets its ACL version. */
  public Znode setAcl(String path, List<Acl> acl, int aversion) {
    Znode node = get(path);
    if (node == null) {
      throw new IllegalStateException("setACL " + path + ": missing");
    }
    if (capture != null) {
      byte[] p = path.getBytes(StandardCharsets.UTF_8);
      changing(node, p, p.length);
    }
    int next = acl.isEmpty() ? AclTable.OPEN : acls.acquire(acl);
    acls.release(node.acl);
    node.acl = next;
    node.aversion = aversion;
    return node;
  }

  /** A node's ACL. */
  public List<Acl> acl(Znode node) {
    return acls.get(node.acl);
  }

  /** How many distinct ACLs the tree's nodes use. */
  public int distinctAcls() {
    return acls.size();
  }

  /** The quotas in force and their usage; read it, never change it (the tree keeps it current). */
  public QuotaIndex quotas() {
    return quotas;
  }

  /**
   * Keeps the quota index in step when a limits node ({@code /zookeeper/quota<path>/zookeeper_limits})
   * is created, set ({@code data}) or deleted (null). Limits that do not parse (written before they were
   * checked) count as no quota, the same on every node.
   */
  private void quotaNodeChanged(String path, byte[] data) {
    String quoted = Quotas.quotaPathOf(path);
    if (quoted == null) {
      return;
    }
    QuotaLimits limits = null;
    if (data != null) {
      try {
        limits = QuotaLimits.parse(data);
      } catch (BatonException e) {
        limits = null;
      }
    }
    if (limits == null) {
      quotas.remove(quoted);
    } else if (quotas.get(quoted) != null) {
      quotas.define(quoted, limits, 0, 0);
    } else {
      long[] usage = usage(quoted);
      quotas.define(quoted, limits, usage[0], usage[1]);
    }
  }

  /** Nodes and data bytes of the subtree at {@code path} (zeros if it does not exist); iterative. */
  private long[] usage(String path) {
    long[] usage = new long[2];
    Znode top = get(path);
    if (top == null) {
      return usage;
    }
    ArrayDeque<Znode> stack = new ArrayDeque<>();
    stack.push(top);
    while (!stack.isEmpty()) {
      Znode n = stack.pop();
      usage[0]++;
      usage[1] += n.dataLength();
      if (n.numChildren() > 0) {
        n.children.forEach(stack::push);
      }
    }
    return usage;
  }

  /** Rebuilds the quota index from the limits nodes (after a restore). */
  private void rebuildQuotas() {
    quotas.clear();
    Znode quotaRoot = get(Quotas.QUOTA_ROOT);
    if (quotaRoot != null) {
      walk(Quotas.QUOTA_ROOT, quotaRoot, (path, node) -> quotaNodeChanged(path, node.data()));
    }
  }

  /** Sorted paths of the ephemeral nodes owned by a session. */
  public Set<String> ephemerals(long sessionId) {
    Set<String> paths = ephemerals.get(sessionId);
    return paths == null ? Collections.emptySet() : Collections.unmodifiableSet(paths);
  }

  /** Total UTF-8 bytes of the paths of a session's ephemeral nodes. */
  public long ephemeralBytes(long sessionId) {
    return ephemeralBytes.getOrDefault(sessionId, 0L);
  }

  /** Session ids that own at least one ephemeral. */
  public Set<Long> ephemeralOwners() {
    return Collections.unmodifiableSet(ephemerals.keySet());
  }

  /** Paths of the container nodes, sorted (so a periodic check can resume where it stopped). */
  public NavigableSet<String> containers() {
    return Collections.unmodifiableNavigableSet(containers);
  }

  /** Paths of the TTL nodes, sorted. */
  public NavigableSet<String> ttlNodes() {
    return Collections.unmodifiableNavigableSet(ttls);
  }

  /** Number of nodes below {@code node}, at any depth (ZooKeeper's getAllChildrenNumber). Iterative. */
  public long descendantCount(Znode node) {
    long count = 0;
    ArrayDeque<Znode> stack = new ArrayDeque<>();
    stack.push(node);
    while (!stack.isEmpty()) {
      Znode parent = stack.pop();
      count += parent.numChildren();
      if (parent.numChildren() > 0) {
        parent.children.forEach(c -> {
          if (c.numChildren() > 0) {
            stack.push(c);
          }
        });
      }
    }
    return count;
  }

  /**
   * Visits every node in depth-first pre-order, children by name, parents before children. Iterative:
   * any depth works (the stack holds one sorted child list per level of the current path).
   */
  public void walk(NodeVisitor visitor) {
    walk("/", root, visitor);
  }

  private void walk(String top, Znode topNode, NodeVisitor visitor) {
    visitor.visit(top, topNode);
    ArrayDeque<SortedLevel> stack = new ArrayDeque<>();
    if (topNode.numChildren() > 0) {
      stack.push(new SortedLevel(top, topNode));
    }
    while (!stack.isEmpty()) {
      SortedLevel level = stack.peek();
      if (level.next == level.names.length) {
        stack.pop();
        continue;
      }
      int i = level.next++;
      String path = Paths.child(level.path, level.names[i]);
      Znode child = level.nodes[i];
      visitor.visit(path, child);
      if (child.numChildren() > 0) {
        stack.push(new SortedLevel(path, child));
      }
    }
  }

  /** One level of {@link #walk}: a parent's children sorted by name, and the next one to visit. */
  private static final class SortedLevel {
    final String path;
    final String[] names;
    final Znode[] nodes;
    int next;

    SortedLevel(String path, Znode parent) {
      this.path = path;
      int n = parent.numChildren();
      Znode[] children = new Znode[n];
      String[] childNames = new String[n];
      int[] i = {0};
      parent.children.forEach(c -> {
        childNames[i[0]] = NodeKey.name(c.key);
        children[i[0]++] = c;
      });
      Integer[] order = new Integer[n];
      for (int k = 0; k < n; k++) {
        order[k] = k;
      }
      Arrays.sort(order, (a, b) -> childNames[a].compareTo(childNames[b]));
      this.names = new String[n];
      this.nodes = new Znode[n];
      for (int k = 0; k < n; k++) {
        names[k] = childNames[order[k]];
        nodes[k] = children[order[k]];
      }
    }
  }

  /**
   * Starts writing the tree as it is now (after {@code zxid}) to {@code records}, a slice per
   * {@link TreeCapture#step}, while the tree goes on changing; the root is written at once. One
   * capture at a time.
   */
  public TreeCapture capture(long zxid, TreeCapture.Records records) {
    if (capture != null) {
      throw new IllegalStateException("a capture of the tree is already running");
    }
    captureEpoch = captureEpoch == Integer.MAX_VALUE ? 1 : captureEpoch + 1;
    capture = new TreeCapture(this, zxid, captureEpoch, records, root, nodeCount);
    return capture;
  }

  void captureEnded(TreeCapture ended) {
    if (capture == ended) {
      capture = null;
    }
  }

  /** Before {@code node} (at the first {@code length} bytes of {@code path}) changes: a running capture keeps it. */
  private void changing(Znode node, byte[] path, int length) {
    if (capture != null) {
      capture.beforeChange(node, path, length);
    }
  }

  /**
   * Restores nodes from a snapshot, each after its parent, remembering the last parent so siblings
   * cost no path walk.
   */
  public Restorer restorer() {
    return new Restorer();
  }

  /** Fast restore of a node sequence with parents before children (see {@link #restorer()}). */
  public final class Restorer {
    private String lastParentPath;
    private Znode lastParent;

    /** Ends a restore: derives what the tree keeps beside its nodes (the quota index). */
    public void finish() {
      rebuildQuotas();
    }

    /** Restores one node open to all; see {@link #restore(String, byte[], Stat, List)}. */
    public void restore(String path, byte[] data, Stat stat) {
      restore(path, data, stat, List.of());
    }

    /**
     * Restores one node with its ACL (empty: open to all). The stat's cversion is the count of
     * children created ({@link Znode#cversion()}, what snapshots keep), not the cversion
     * {@link Znode#stat()} reports; its numChildren and dataLength are not read.
     */
    public void restore(String path, byte[] data, Stat stat, List<Acl> acl) {
      Znode node;
      dataBytes += data.length;
      if (path.equals("/")) {
        node = root;
        dataBytes -= node.dataLength();
        node.key = NodeKey.withData(node.key, data);
        node.czxid = stat.czxid();
      } else {
        String parentPath = Paths.parent(path);
        if (!parentPath.equals(lastParentPath)) {
          lastParent = get(parentPath);
          lastParentPath = parentPath;
        }
        byte[] name = Paths.name(path).getBytes(StandardCharsets.UTF_8);
        node = lastParent.child(name, 0, name.length);
        if (node != null) { // a built-in node: restored in place, keeping its built-in children
          node.key = NodeKey.withData(node.key, data);
          node.czxid = stat.czxid();
        } else {
          node = Znode.of(NodeKey.of(name, 0, name.length, data), stat.czxid(), stat.ctime(), stat.ephemeralOwner());
          lastParent.childTable().add(node);
          nodeCount++;
          index(path, stat.ephemeralOwner());
        }
      }
      node.mzxid = stat.mzxid();
      node.ctime = stat.ctime();
      node.mtime = stat.mtime();
      node.version = stat.version();
      acls.release(node.acl);
      node.acl = acl.isEmpty() ? AclTable.OPEN : acls.acquire(acl);
      node.aversion = stat.aversion();
      if (node.children != null || stat.cversion() != 0 || stat.pzxid() != stat.czxid()) {
        node.childrenChanged(stat.cversion(), stat.pzxid());
      }
    }
  }

  /**
   * A digest of the whole tree (paths, data and every stat field), equal on two trees exactly
   * when they hold the same state. Used to check that replay reproduces state.
   */
  public long digest() {
    CRC32C crc = new CRC32C();
    long[] acc = {0};
    walk((path, node) -> {
      crc.reset();
      crc.update(path.getBytes(StandardCharsets.UTF_8));
      crc.update(node.data());
      Stat s = node.stat();
      long h = crc.getValue();
      h = h * 31 + s.czxid();
      h = h * 31 + s.mzxid();
      h = h * 31 + s.pzxid();
      h = h * 31 + s.ctime();
      h = h * 31 + s.mtime();
      h = h * 31 + s.version();
      h = h * 31 + s.cversion();
      h = h * 31 + s.aversion();
      h = h * 31 + acls.get(node.acl).hashCode();
      h = h * 31 + node.ephemeralOwner();
      h = h * 31 + s.numChildren();
      acc[0] = acc[0] * 1_000_003L + h;
    });
    return acc[0];
  }

  private void index(String path, long owner) {
    if (EphemeralOwner.isContainer(owner)) {
      containers.add(path);
    } else if (EphemeralOwner.isTtl(owner)) {
      ttls.add(path);
    } else if (owner != 0) {
      if (ephemerals.computeIfAbsent(owner, k -> new TreeSet<>()).add(path)) {
        ephemeralBytes.merge(owner, (long) Paths.utf8Length(path), Long::sum);
      }
    }
  }

  private void unindex(String path, long owner) {
    if (EphemeralOwner.isContainer(owner)) {
      containers.remove(path);
    } else if (EphemeralOwner.isTtl(owner)) {
      ttls.remove(path);
    } else if (owner != 0) {
      Set<String> paths = ephemerals.get(owner);
      if (paths != null && paths.remove(path)) {
        ephemeralBytes.merge(owner, (long) -Paths.utf8Length(path), Long::sum);
        if (paths.isEmpty()) {
          ephemerals.remove(owner);
          ephemeralBytes.remove(owner);
        }
      }
    }
  }

  /** Callback of {@link #walk}. */
  @FunctionalInterface
  public interface NodeVisitor {
    void visit(String path, Znode node);
  }
}
