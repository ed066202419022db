package io.baton.core.replication;

import java.io.IOException;
import java.util.List;

/**
 * Durable storage of a {@link RaftNode}'s hard state and log. The host's loop for a node is:
 * <pre>{@code
 * while (node.hasReady()) {
 *   Ready r = node.ready();
 *   storage.save(r);          // durable on return (unless saves are deferred: then sync() first)
 *   send(r.messages());
 *   apply(r.committed());
 *   node.advance(r);
 * }
 * }</pre>
 * and a restart is {@code State s = storage.load(); new RaftNode(id, voters, config, random,
 * s.hardState(), s.entries(), applied)}. One thread at a time (the node's owner thread).
 * I/O failures of {@link #save}, {@link #sync} and {@link #compactTo} surface as
 * {@link java.io.UncheckedIOException}; they are fatal for the node (what reached the disk is
 * unknown), which must stop and restart from {@link #load()}.
 */
public interface RaftStorage extends AutoCloseable {

  /** What a restarting node begins from: the last saved hard state and the log from index 1. */
  record State(HardState hardState, List<Entry> entries) {
  }

  /** The persisted hard state ({@code 0, 0, 0} if none) and the effective log, from index 1. */
  State load() throws IOException;

  /**
   * Persists {@code hardState} (if not null) and {@code entries}, which replace every persisted
   * entry from the first one's index on. The first index must be at most {@link #lastIndex()} + 1
   * and the entries consecutive.
   */
  void save(HardState hardState, List<Entry> entries);

  /** Persists what a {@link Ready} asks for (its hard state and entries). */
  default void save(Ready ready) {
    save(ready.hardState(), ready.entries());
  }

  /** Makes everything saved so far durable. A no-op when nothing is pending. */
  void sync();

  /** Index of the last entry of the effective log, 0 if empty. */
  long lastIndex();

  /**
   * Entries up to {@code index} are covered by a snapshot and may be discarded. A hint: an
   * implementation may keep them (see the implementation for what it does).
   */
  void compactTo(long index);

  @Override
  void close();
}
