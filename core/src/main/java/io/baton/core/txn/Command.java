package io.baton.core.txn;

import io.baton.core.acl.Acl;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.DeleteCause;
import java.util.List;

/** A state-changing request before it is resolved into a log entry by {@link TxnPreparer}. */
public sealed interface Command
    permits Op, Command.Multi, Command.OpenSession, Command.CloseSession, Command.Reap, Command.SetAcl {

  /** Atomic transaction: all operations apply or none. */
  record Multi(List<Op> ops) implements Command {
  }

  /** Open a session with the requested timeout (clamped to the configured bounds). */
  record OpenSession(int requestedTimeoutMs) implements Command {
  }

  /** Close a session (client request) or expire it (leader decision); removes its ephemerals. */
  record CloseSession(long sessionId, CloseReason reason) implements Command {
  }

  /** Replace a node's ACL if its ACL version matches ({@code -1} matches any); not allowed in a multi. */
  record SetAcl(String path, List<Acl> acl, int version) implements Command {
    public SetAcl {
      acl = List.copyOf(acl);
    }
  }

  /** Delete an empty container or an expired TTL node; issued by the node that orders writes. */
  record Reap(String path, DeleteCause cause) implements Command {
  }
}
