package io.baton.core.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's view of its Raft log: the entries (index 1..last), how far they are persisted
 * ({@code stable}), committed and applied. Pure data, no I/O.
 */
final class RaftLog {
  private final List<Entry> entries = new ArrayList<>();
  private long stable;
  private long committed;
  private long applied;

  RaftLog(List<Entry> persisted, long committed, long applied) {
    entries.addAll(persisted);
    this.stable = lastIndex();
    this.committed = Math.min(committed, lastIndex());
    this.applied = Math.min(applied, this.committed);
  }

  long lastIndex() {
    return entries.size();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  /** Term of the entry at {@code index}; 0 for index 0, -1 if absent. */
  long term(long index) {
    if (index == 0) {
      return 0;
    }
    if (index < 0 || index > entries.size()) {
      return -1;
    }
    return entries.get((int) index - 1).term();
  }

  long committed() {
    return committed;
  }

  long stable() {
    return stable;
  }

  boolean isUpToDate(long index, long term) {
    return term > lastTerm() || (term == lastTerm() && index >= lastIndex());
  }

  void append(Entry e) {
    entries.add(e);
  }

  /**
   * Appends entries received after {@code prevIndex} (whose term matched), truncating a conflicting
   * suffix. Returns the index of the last entry received.
   */
  long appendAfter(long prevIndex, List<Entry> received) {
    for (Entry e : received) {
      long t = term(e.index());
      if (t == e.term()) {
        continue;
      }
      if (t != -1) {
        if (e.index() <= committed) {
          throw new IllegalStateException("conflict at committed index " + e.index());
        }
        truncateFrom(e.index());
      }
      entries.add(e);
    }
    return prevIndex + received.size();
  }

  private void truncateFrom(long index) {
    while (entries.size() >= index) {
      entries.remove(entries.size() - 1);
    }
    stable = Math.min(stable, index - 1);
  }

  /** Entries from {@code from} up to at most {@code max} of them. */
  List<Entry> slice(long from, int max) {
    if (from > lastIndex()) {
      return List.of();
    }
    int start = (int) from - 1;
    int end = (int) Math.min(entries.size(), start + (long) max);
    return List.copyOf(entries.subList(start, end));
  }

  List<Entry> unstable() {
    return stable >= lastIndex() ? List.of() : List.copyOf(entries.subList((int) stable, entries.size()));
  }

  List<Entry> toApply() {
    long upTo = Math.min(committed, lastIndex());
    return applied >= upTo ? List.of() : List.copyOf(entries.subList((int) applied, (int) upTo));
  }

  void commitTo(long index) {
    if (index > committed) {
      committed = Math.min(index, lastIndex());
    }
  }

  /** Marks entries up to {@code index} persisted, if that entry is still the one (same term) persisted. */
  void stableTo(long index, long term) {
    if (index <= lastIndex() && index > stable && term(index) == term) {
      stable = index;
    }
  }

  void appliedTo(long index) {
    if (index > applied) {
      applied = index;
    }
  }
}
