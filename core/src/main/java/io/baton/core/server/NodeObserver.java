package io.baton.core.server;

/**
 * Timings and outcomes of a node's work, for a face that exports metrics. Plain callbacks with no
 * metrics library behind them: the admin face binds them to its meters. Called on the owner thread,
 * except {@link #logSynced}, which the thread that ran the fsync calls; an implementation must be
 * cheap and never block (it runs on the write path).
 */
public interface NodeObserver {
  /** Observes nothing. */
  NodeObserver NONE = new NodeObserver() {
  };

  /** A client request of {@code op} was answered with {@code result} ({@code ok} or an error name) after {@code nanos}. */
  default void request(String op, String result, long nanos) {
  }

  /** An fsync of {@code log} ({@code txn}: a lone node's transaction log; {@code raft}: the Raft log) took {@code nanos}. */
  default void logSynced(String log, long nanos) {
  }

  /** An entry this node ordered was committed {@code nanos} after it was appended (or proposed). */
  default void committed(long nanos) {
  }

  /** A committed entry was applied (tree, watches, reply) in {@code nanos}. */
  default void applied(long nanos) {
  }

  /** A snapshot of {@code bytes} was captured and written in {@code nanos}. */
  default void snapshotWritten(long nanos, long bytes) {
  }
}
