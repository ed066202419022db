package io.baton.core.tree;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * One node of the {@link DataTree}: data, ZooKeeper stat fields and children. Mutable and owned by
 * the tree's single thread; callers outside the tree get {@link Stat} copies.
 */
public final class Znode {
  private static final byte[] EMPTY = new byte[0];

  byte[] data;
  long czxid;
  long mzxid;
  long pzxid;
  long ctime;
  long mtime;
  long ephemeralOwner;
  int version;
  int cversion;
  int aversion;
  private Map<String, Znode> children;

  Znode(byte[] data, long zxid, long time, long ephemeralOwner) {
    this.data = data == null ? EMPTY : data;
    this.czxid = zxid;
    this.mzxid = zxid;
    this.pzxid = zxid;
    this.ctime = time;
    this.mtime = time;
    this.ephemeralOwner = ephemeralOwner;
  }

  public byte[] data() {
    return data;
  }

  public int version() {
    return version;
  }

  public int cversion() {
    return cversion;
  }

  public long mtime() {
    return mtime;
  }

  public long ephemeralOwner() {
    return ephemeralOwner;
  }

  public int numChildren() {
    return children == null ? 0 : children.size();
  }

  /** Takes over every field of {@code other} (the root of a tree being replaced). */
  void copyFrom(Znode other) {
    data = other.data;
    czxid = other.czxid;
    mzxid = other.mzxid;
    pzxid = other.pzxid;
    ctime = other.ctime;
    mtime = other.mtime;
    ephemeralOwner = other.ephemeralOwner;
    version = other.version;
    cversion = other.cversion;
    aversion = other.aversion;
    children = other.children;
  }

  /** A read-only view of the children by name. */
  public Map<String, Znode> children() {
    return children == null ? Collections.emptyMap() : Collections.unmodifiableMap(children);
  }

  public Stat stat() {
    return new Stat(czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, data.length,
        numChildren(), pzxid);
  }

  Znode child(String name) {
    return children == null ? null : children.get(name);
  }

  void addChild(String name, Znode child) {
    if (children == null) {
      children = new HashMap<>(4);
    }
    children.put(name, child);
  }

  void removeChild(String name) {
    if (children != null) {
      children.remove(name);
      if (children.isEmpty()) {
        children = null;
      }
    }
  }
}
