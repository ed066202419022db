package io.baton.core.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's view of its Raft log: the entries after the compaction point ({@code snapshotIndex},
 * 0 if none), how far they are persisted ({@code stable}), committed and applied. A snapshot
 * received from the leader and not yet installed by the host is {@code pending}: the log already
 * starts after it, and nothing is applied until it is installed. Pure data, no I/O.
 */
final class RaftLog {
  private final List<Entry> entries = new ArrayList<>();
  private long snapshotIndex;
  private long snapshotTerm;
  private SnapshotMeta pending;
  private long stable;
  private long committed;
  private long applied;

  RaftLog(SnapshotMeta snapshot, List<Entry> persisted, long committed, long applied) {
    if (snapshot != null) {
      snapshotIndex = snapshot.index();
      snapshotTerm = snapshot.term();
    }
    if (!persisted.isEmpty() && persisted.get(0).index() != snapshotIndex + 1) {
      throw new IllegalArgumentException("log starts at " + persisted.get(0).index() + ", expected "
          + (snapshotIndex + 1));
    }
    entries.addAll(persisted);
    this.stable = lastIndex();
    this.committed = Math.max(snapshotIndex, Math.min(committed, lastIndex()));
    this.applied = Math.min(applied, this.committed);
  }

  long lastIndex() {
    return snapshotIndex + entries.size();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  /** Term of the entry at {@code index}; 0 for index 0, the snapshot's at its index, -1 if absent. */
  long term(long index) {
    if (index == snapshotIndex) {
      return snapshotTerm;
    }
    if (index == 0) {
      return 0;
    }
    if (index < snapshotIndex || index > lastIndex()) {
      return -1;
    }
    return entry(index).term();
  }

  private Entry entry(long index) {
    return entries.get((int) (index - snapshotIndex - 1));
  }

  long committed() {
    return committed;
  }

  long stable() {
    return stable;
  }

  long applied() {
    return applied;
  }

  long snapshotIndex() {
    return snapshotIndex;
  }

  /** The compaction point, or null if the log still starts at index 1. */
  SnapshotMeta snapshot() {
    return snapshotIndex == 0 ? null : new SnapshotMeta(snapshotIndex, snapshotTerm);
  }

  /** A snapshot received from the leader that the host has not installed yet, or null. */
  SnapshotMeta pendingSnapshot() {
    return pending;
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
    entries.subList((int) (index - snapshotIndex - 1), entries.size()).clear();
    stable = Math.min(stable, index - 1);
  }

  /** Entries from {@code from} (after the compaction point) up to at most {@code max} of them. */
  List<Entry> slice(long from, int max) {
    return slice(from, max, Long.MAX_VALUE);
  }

  /**
   * Entries from {@code from} (after the compaction point): at most {@code max} of them and, beyond
   * the first, at most {@code maxBytes} of them as {@link RaftCodec} encodes them.
   */
  List<Entry> slice(long from, int max, long maxBytes) {
    if (from <= snapshotIndex) {
      throw new IllegalArgumentException("entry " + from + " is compacted (snapshot at " + snapshotIndex + ")");
    }
    if (from > lastIndex()) {
      return List.of();
    }
    int start = (int) (from - snapshotIndex - 1);
    int limit = (int) Math.min(entries.size(), start + (long) max);
    int end = start;
    long bytes = 0;
    while (end < limit) {
      Entry e = entries.get(end);
      bytes += RaftCodec.ENTRY_FIXED + (e.data() == null ? 0 : e.data().length);
      if (end > start && bytes > maxBytes) {
        break;
      }
      end++;
    }
    return List.copyOf(entries.subList(start, end));
  }

  List<Entry> unstable() {
    return stable >= lastIndex() ? List.of()
        : List.copyOf(entries.subList((int) (stable - snapshotIndex), entries.size()));
  }

  /** Committed entries not applied yet; none while a received snapshot waits to be installed. */
  List<Entry> toApply() {
    long upTo = Math.min(committed, lastIndex());
    if (applied >= upTo || applied < snapshotIndex) {
      return List.of();
    }
    return List.copyOf(entries.subList((int) (applied - snapshotIndex), (int) (upTo - snapshotIndex)));
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

  /** Drops the entries through {@code index} (applied, so persisted), which a host snapshot covers. */
  void compact(long index) {
    snapshotTerm = term(index);
    entries.subList(0, (int) (index - snapshotIndex)).clear();
    snapshotIndex = index;
  }

  /** Replaces the whole log by a snapshot received from the leader, to be installed by the host. */
  void restore(SnapshotMeta s) {
    entries.clear();
    snapshotIndex = s.index();
    snapshotTerm = s.term();
    stable = s.index();
    committed = s.index();
    pending = s;
  }

  /** The host installed {@code s}: the state machine now holds everything through its index. */
  void installed(SnapshotMeta s) {
    appliedTo(s.index());
    if (s.equals(pending)) {
      pending = null;
    }
  }
}
