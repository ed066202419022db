package io.baton.core.replication;

import java.io.IOException;
import java.util.List;

/**
 * Durable storage of a {@link RaftNode}'s hard state and log. The host's loop for a node is:
 * <pre>{@code
 * while (node.hasReady()) {
 *   Ready r = node.ready();
 *   if (r.snapshot() != null) {
 *     installAndPersist(received snapshot data); // the host's state machine, before the log
 *   }
 *   storage.save(r);          // durable on return (unless saves are deferred: then sync() first)
 *   send(r.messages());
 *   apply(r.committed());
 *   node.advance(r);
 * }
 * }</pre>
 * and a restart is {@code State s = storage.load(); new RaftNode(id, voters, config, random,
 * s.hardState(), s.snapshot(), s.entries(), applied)}. After the host has durably captured its state
 * machine through an applied index it calls {@code node.compact(index)} and
 * {@code storage.compactTo(index)}. One thread at a time (the node's owner thread).
 * I/O failures of {@link #save}, {@link #installSnapshot}, {@link #sync} and {@link #compactTo} surface as
 * {@link java.io.UncheckedIOException}; they are fatal for the node (what reached the disk is
 * unknown), which must stop and restart from {@link #load()}.
 */
public interface RaftStorage extends AutoCloseable {

  /**
   * What a restarting node begins from: the last saved hard state, the compaction point (null if
   * none) and the log after it (from {@code snapshot.index() + 1}, or from 1).
   */
  record State(HardState hardState, SnapshotMeta snapshot, List<Entry> entries) {
    /** A state without a compaction point. */
    public State(HardState hardState, List<Entry> entries) {
      this(hardState, null, entries);
    }
  }

  /** The persisted hard state ({@code 0, 0, 0} if none), the compaction point and the effective log after it. */
  State load() throws IOException;

  /**
   * Persists {@code hardState} (if not null) and {@code entries}, which replace every persisted
   * entry from the first one's index on. The first index must be after the compaction point, at
   * most {@link #lastIndex()} + 1, and the entries consecutive.
   */
  void save(HardState hardState, List<Entry> entries);

  /**
   * Persists what a {@link Ready} asks for: its snapshot (through {@link #installSnapshot}, so the
   * host must have persisted the snapshot's data before), then its hard state and entries.
   */
  default void save(Ready ready) {
    if (ready.snapshot() != null) {
      installSnapshot(ready.snapshot());
    }
    save(ready.hardState(), ready.entries());
  }

  /**
   * A snapshot received from the leader was installed: every persisted entry is discarded and the
   * log continues after {@code meta.index()} (the next saved entry is {@code meta.index() + 1}); it
   * becomes the compaction point. {@code meta.index()} must not be below the current compaction
   * point. Durable on return like {@link #save}.
   */
  void installSnapshot(SnapshotMeta meta);

  /** Makes everything saved so far durable. A no-op when nothing is pending. */
  void sync();

  /** Index of the last entry of the effective log, the compaction point's if none follows it, 0 if empty. */
  long lastIndex();

  /** The compaction point, null if none. */
  SnapshotMeta snapshot();

  /**
   * Entries up to {@code index} (at most {@link #lastIndex()}) are covered by a durable host
   * snapshot: {@code index} and its entry's term become the compaction point, durably on return,
   * and {@link #load()} no longer returns those entries. An index at or below the current
   * compaction point is ignored.
   */
  void compactTo(long index);

  @Override
  void close();
}
