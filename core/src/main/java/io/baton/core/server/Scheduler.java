package io.baton.core.server;

/**
 * The threads a {@link Coordinator} runs on, supplied by its host (a Vert.x context in production,
 * a plain executor in tests). All state is touched only from the owner thread.
 */
public interface Scheduler {
  /** Runs a task on the owner thread, after the current one. */
  void runOnOwner(Runnable task);

  /** Runs blocking work (fsync, file writes, log reads) on some other thread. */
  void runBlocking(Runnable task);

  /** Calls {@code task} on the owner thread every {@code periodMs}; returns a cancel handle. */
  AutoCloseable periodic(long periodMs, Runnable task);

  /** Wall-clock milliseconds. */
  long now();
}
