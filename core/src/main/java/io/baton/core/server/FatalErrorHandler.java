package io.baton.core.server;

/**
 * What the host does when its node must stop: a committed entry could not be applied, an append to
 * the log failed, or state broke an invariant. By then the {@link Coordinator} has logged one ERROR
 * naming the zxid and the cause, and answers nothing more (no write is acknowledged past the
 * failure). The launcher halts the process with a non-zero exit code; an embedding application
 * undeploys the node; tests record the call. Called once, on the owner thread.
 */
@FunctionalInterface
public interface FatalErrorHandler {
  /**
   * @param zxid   the entry that failed (0 if none in particular)
   * @param reason one line naming what failed
   * @param cause  the exception behind it
   */
  void halt(long zxid, String reason, Throwable cause);
}
