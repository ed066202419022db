package io.baton.core.txn;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.Stat;

/** Outcome of one operation, as returned to the client (and per operation of a multi). */
public sealed interface OpResult {

  record Created(String path, Stat stat) implements OpResult {
  }

  record Deleted(String path) implements OpResult {
  }

  record DataSet(String path, Stat stat) implements OpResult {
  }

  record AclSet(String path, Stat stat) implements OpResult {
  }

  record Checked(String path) implements OpResult {
  }

  record SessionOpened(long sessionId, int timeoutMs) implements OpResult {
  }

  record SessionClosed(long sessionId) implements OpResult {
  }

  /** A failed operation inside a failed multi. */
  record Error(ErrorCode code, String message) implements OpResult {
  }
}
