package io.baton.core.tree;

/**
 * A parent's children, an open-addressing hash table (linear probing) of child nodes keyed by the
 * name inside each child's {@link NodeKey}, plus the two stat fields only parents change
 * ({@code pzxid}, {@code cversion}). Each slot keeps its child's name hash beside it, so a probe
 * past another child compares two ints instead of reaching into that child's name (a cache miss in a
 * large directory). About 16 bytes per child instead of a {@code HashMap}'s entry, key string and slot.
 */
final class ChildTable {
  private static final Znode[] NONE = new Znode[0];
  private static final int[] NO_HASHES = new int[0];
  private static final int MIN_CAPACITY = 4;

  private Znode[] slots = NONE;
  private int[] hashes = NO_HASHES;
  private int size;
  long pzxid;
  int cversion;

  ChildTable(long pzxid, int cversion) {
    this.pzxid = pzxid;
    this.cversion = cversion;
  }

  int size() {
    return size;
  }

  Znode get(byte[] name, int off, int len) {
    if (size == 0) {
      return null;
    }
    int mask = slots.length - 1;
    int h = NodeKey.hash(name, off, len);
    for (int i = h & mask; ; i = (i + 1) & mask) {
      Znode n = slots[i];
      if (n == null || hashes[i] == h && NodeKey.nameEquals(n.key, name, off, len)) {
        return n;
      }
    }
  }

  /** Adds a child whose name is not yet in the table. */
  void add(Znode child) {
    if ((size + 1) * 4L > slots.length * 3L) {
      rehash(Math.max(MIN_CAPACITY, slots.length * 2));
    }
    insert(slots, hashes, child, NodeKey.hash(child.key));
    size++;
  }

  /** Removes the named child (backward-shift deletion, so lookups need no tombstones). */
  Znode remove(byte[] name, int off, int len) {
    if (size == 0) {
      return null;
    }
    int mask = slots.length - 1;
    int h = NodeKey.hash(name, off, len);
    int i = h & mask;
    Znode removed;
    while ((removed = slots[i]) != null && !(hashes[i] == h && NodeKey.nameEquals(removed.key, name, off, len))) {
      i = (i + 1) & mask;
    }
    if (removed == null) {
      return null;
    }
    slots[i] = null;
    for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      int home = hashes[j] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots[i] = slots[j];
        hashes[i] = hashes[j];
        slots[j] = null;
        i = j;
      }
    }
    size--;
    if (size == 0) {
      slots = NONE;
      hashes = NO_HASHES;
    } else if (slots.length > MIN_CAPACITY && size * 8L < slots.length) {
      rehash(slots.length / 2);
    }
    return removed;
  }

  /** Calls {@code action} for each child, in no particular order. */
  void forEach(java.util.function.Consumer<Znode> action) {
    for (Znode n : slots) {
      if (n != null) {
        action.accept(n);
      }
    }
  }

  /** The children, in no particular order, as a new array. */
  Znode[] toArray() {
    Znode[] out = new Znode[size];
    int i = 0;
    for (Znode n : slots) {
      if (n != null) {
        out[i++] = n;
      }
    }
    return out;
  }

  /**
   * Adds to {@code out} the children in slots from {@code from} on, until it holds {@code max} or
   * {@code maxSlots} slots were looked at; returns the slot to continue from, or -1 past the last.
   * A cursor stays meaningful only while the table keeps its capacity (a page may then repeat or
   * skip children that moved).
   */
  int page(int from, int max, int maxSlots, java.util.List<Znode> out) {
    int i = Math.max(0, from);
    int end = (int) Math.min(slots.length, (long) i + maxSlots);
    while (i < end && out.size() < max) {
      Znode n = slots[i++];
      if (n != null) {
        out.add(n);
      }
    }
    return i < slots.length ? i : -1;
  }

  private void rehash(int capacity) {
    Znode[] next = new Znode[capacity];
    int[] nextHashes = new int[capacity];
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null) {
        insert(next, nextHashes, slots[i], hashes[i]);
      }
    }
    slots = next;
    hashes = nextHashes;
  }

  private static void insert(Znode[] table, int[] tableHashes, Znode child, int hash) {
    int mask = table.length - 1;
    int i = hash & mask;
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = child;
    tableHashes[i] = hash;
  }
}
