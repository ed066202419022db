package io.baton.core.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One node of the {@link DataTree}: name and data, ZooKeeper stat fields and children. Mutable and
 * owned by the tree's single thread; callers outside the tree get copies ({@link #data()},
 * {@link #stat()}). Laid out for a small heap: name and data share one array ({@link NodeKey}),
 * the parent-only fields live with the children ({@link ChildTable}), and only nodes with an
 * owner (ephemeral, container, TTL) carry one ({@link Owned}).
 */
public class Znode {
  byte[] key;
  long czxid;
  long mzxid;
  long ctime;
  long mtime;
  int version;
  /** Index of the node's ACL in its tree's {@link io.baton.core.acl.AclTable} (0: open to all). */
  int acl;
  int aversion;
  ChildTable children;
  /** The last {@link TreeCapture} that wrote or kept this node (its epoch; 0: none). */
  int captured;

  Znode(byte[] key, long zxid, long time) {
    this.key = key;
    this.czxid = zxid;
    this.mzxid = zxid;
    this.ctime = time;
    this.mtime = time;
  }

  /** A new node; one with an ephemeral owner (or container/TTL marker) keeps it. */
  static Znode of(byte[] key, long zxid, long time, long ephemeralOwner) {
    return ephemeralOwner == 0 ? new Znode(key, zxid, time) : new Owned(key, zxid, time, ephemeralOwner);
  }

  /** A copy of the node's data. */
  public byte[] data() {
    return Arrays.copyOfRange(key, NodeKey.dataOffset(key), key.length);
  }

  public int dataLength() {
    return key.length - NodeKey.dataOffset(key);
  }

  /** Copies the node's data into {@code dst} at {@code offset} (room for {@link #dataLength()} bytes). */
  public void copyData(byte[] dst, int offset) {
    int from = NodeKey.dataOffset(key);
    System.arraycopy(key, from, dst, offset, key.length - from);
  }

  public int version() {
    return version;
  }

  /**
   * The number of children ever created under this node (ZooKeeper's stored cversion): sequential
   * names follow it, and it is what the log and snapshots carry. {@link #stat()} reports ZooKeeper's
   * cversion instead, the count of creates and deletes of children.
   */
  public int cversion() {
    return children == null ? 0 : children.cversion;
  }

  long pzxid() {
    return children == null ? czxid : children.pzxid;
  }

  public long mtime() {
    return mtime;
  }

  public int aversion() {
    return aversion;
  }

  public long ephemeralOwner() {
    return 0;
  }

  public int numChildren() {
    return children == null ? 0 : children.size();
  }

  /** The children's names, in no particular order. */
  public List<String> childNames() {
    List<String> names = new ArrayList<>(numChildren());
    if (children != null) {
      children.forEach(c -> names.add(NodeKey.name(c.key)));
    }
    return names;
  }

  /**
   * The stat clients see. Its cversion counts creates and deletes of children, derived as ZooKeeper's
   * {@code DataNode.copyStat} does from the creates still counted: {@code 2 * creates - numChildren}
   * (every create but those of the present children has had its delete). A node holding children
   * it did not count (the root's {@code /zookeeper}) reports less, as in ZooKeeper. Its
   * ephemeralOwner is a session's id or 0: container and TTL markers stay inside
   * ({@link #ephemeralOwner()}), as ZooKeeper's {@code DataNode.copyStat} keeps them.
   */
  public Stat stat() {
    int numChildren = numChildren();
    return new Stat(czxid, mzxid, ctime, mtime, version, cversion() * 2 - numChildren, aversion,
        EphemeralOwner.visible(ephemeralOwner()), dataLength(), numChildren, pzxid());
  }

  /** Records a change of the child list: the parent's cversion and pzxid. */
  void childrenChanged(int cversion, long pzxid) {
    if (children == null) {
      children = new ChildTable(pzxid, cversion);
    } else {
      children.cversion = cversion;
      children.pzxid = pzxid;
    }
  }

  /**
   * The names of at most {@code max} children from table slot {@code cursor} on, looking at no more
   * than {@code 16 * max} slots; returns the cursor of the next page, or -1 after the last. Children
   * come in table order, not sorted; bounded work however many children the node has.
   */
  public int childNames(int cursor, int max, List<String> out) {
    if (children == null) {
      return -1;
    }
    List<Znode> nodes = new ArrayList<>(Math.min(max, children.size()));
    int next = children.page(cursor, max, 16 * Math.max(1, max), nodes);
    for (Znode n : nodes) {
      out.add(NodeKey.name(n.key));
    }
    return next;
  }

  /** Total UTF-8 bytes of the children's names (counted without building them). */
  public long childNameBytes() {
    if (children == null) {
      return 0;
    }
    long[] sum = {0};
    children.forEach(c -> sum[0] += NodeKey.nameLength(c.key));
    return sum[0];
  }

  /** The children, created empty on first use (pzxid = czxid, cversion 0). */
  ChildTable childTable() {
    if (children == null) {
      children = new ChildTable(czxid, 0);
    }
    return children;
  }

  Znode child(byte[] name, int off, int len) {
    return children == null ? null : children.get(name, off, len);
  }

  /** Takes over the content of {@code other}, the root of another tree (so the same, empty name). */
  void copyFrom(Znode other) {
    key = other.key;
    czxid = other.czxid;
    mzxid = other.mzxid;
    ctime = other.ctime;
    mtime = other.mtime;
    version = other.version;
    acl = other.acl;
    aversion = other.aversion;
    children = other.children;
  }

  /** A node with an owner: a session for ephemerals, or a container or TTL marker ({@link EphemeralOwner}). */
  static final class Owned extends Znode {
    private final long ephemeralOwner;

    Owned(byte[] key, long zxid, long time, long ephemeralOwner) {
      super(key, zxid, time);
      this.ephemeralOwner = ephemeralOwner;
    }

    @Override
    public long ephemeralOwner() {
      return ephemeralOwner;
    }
  }
}
