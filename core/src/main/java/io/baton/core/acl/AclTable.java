package io.baton.core.acl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct ACLs of a tree, each stored once and referred to by index from its nodes (like
 * ZooKeeper's reference-counted ACL cache), so a million nodes with the same ACL hold one list.
 * Index 0 is {@link Acl#OPEN}, the ACL of nodes created without one, and is never freed. Owner thread.
 */
public final class AclTable {
  /** The index of the open ACL. */
  public static final int OPEN = 0;
  private static final List<Acl> OPEN_LIST = List.of(Acl.OPEN);

  private final List<List<Acl>> lists = new ArrayList<>();
  private final List<Long> refs = new ArrayList<>();
  private final Map<List<Acl>, Integer> byList = new HashMap<>();
  private final ArrayDeque<Integer> free = new ArrayDeque<>();

  public AclTable() {
    lists.add(OPEN_LIST);
    refs.add(0L);
    byList.put(OPEN_LIST, OPEN);
  }

  /** The index of {@code acl}, adding it if new, counting one more reference. */
  public int acquire(List<Acl> acl) {
    Integer i = byList.get(acl);
    if (i == null) {
      List<Acl> copy = List.copyOf(acl);
      i = free.isEmpty() ? lists.size() : free.pop();
      if (i == lists.size()) {
        lists.add(copy);
        refs.add(0L);
      } else {
        lists.set(i, copy);
      }
      byList.put(copy, i);
    }
    if (i != OPEN) {
      refs.set(i, refs.get(i) + 1);
    }
    return i;
  }

  /** Drops one reference to index {@code i}; the list goes when none is left. */
  public void release(int i) {
    if (i == OPEN) {
      return;
    }
    long left = refs.get(i) - 1;
    refs.set(i, left);
    if (left == 0) {
      byList.remove(lists.get(i));
      lists.set(i, null);
      free.push(i);
    }
  }

  /** The ACL at index {@code i}. */
  public List<Acl> get(int i) {
    return lists.get(i);
  }

  /** How many distinct ACLs are in use (the open one included). */
  public int size() {
    return byList.size();
  }

  /** Empties the table (a tree replaced by a snapshot). */
  public void clear() {
    lists.clear();
    refs.clear();
    byList.clear();
    free.clear();
    lists.add(OPEN_LIST);
    refs.add(0L);
    byList.put(OPEN_LIST, OPEN);
  }
}
