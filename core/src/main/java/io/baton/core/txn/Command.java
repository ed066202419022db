package io.baton.core.txn;

import io.baton.core.acl.Acl;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.DeleteCause;
import java.util.ArrayList;
import java.util.List;

/** A state-changing request before it is resolved into a log entry by {@link TxnPreparer}. */
public sealed interface Command
    permits Op, Command.Multi, Command.OpenSession, Command.CloseSession, Command.Reap, Command.SetAcl {

  /** Atomic transaction: all operations apply or none. */
  record Multi(List<Op> ops) implements Command {
    /**
     * One result per op of this multi from the applied results: the parents a {@code createParents}
     * create made (applied as creates of their own, each with a result) are folded into that op's own.
     */
    public List<OpResult> perOp(List<OpResult> results) {
      if (results.size() == ops.size()) {
        return results;
      }
      List<OpResult> out = new ArrayList<>(ops.size());
      int r = 0;
      for (Op op : ops) {
        if (op instanceof Op.Create c && c.createParents()) {
          while (results.get(r) instanceof OpResult.Created made && c.path().startsWith(made.path() + "/")) {
            r++;
          }
        }
        out.add(results.get(r++));
      }
      return out;
    }
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
