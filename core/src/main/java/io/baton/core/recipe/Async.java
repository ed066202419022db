package io.baton.core.recipe;

import io.baton.core.acl.Acl;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** CompletableFuture views of coordinator calls; they complete on the owner thread. */
final class Async {
  private Async() {
  }

  /**
   * Submits a recipe's write for {@code session}; the ephemerals it creates (the session's contender,
   * candidate, member or participant) get the session's owner ACL ({@link io.baton.core.auth.ClientAuth#ownerAcl}).
   */
  static CompletableFuture<List<OpResult>> submit(Coordinator c, long session, Command command) {
    CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
    Command owned = session == 0 ? command : owned(command, c.auth().ownerAcl(session));
    c.submit(session, owned, (r, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(r);
      }
    });
    return f;
  }

  private static Command owned(Command command, List<Acl> acl) {
    if (acl.isEmpty()) {
      return command;
    }
    if (command instanceof Command.Multi m) {
      return new Command.Multi(m.ops().stream().map(op -> (Op) owned(op, acl)).toList());
    }
    if (command instanceof Op.Create cr && cr.mode().isEphemeral() && cr.acl().isEmpty()) {
      return new Op.Create(cr.path(), cr.data(), cr.mode(), cr.ttl(), cr.createParents(), acl);
    }
    return command;
  }

  /** Creates the persistent directory {@code dir} (and its parents) open to all unless it exists. */
  static CompletableFuture<Void> directory(Coordinator c, long session, String dir) {
    if (c.reads().exists(0, dir, false) != null) {
      return CompletableFuture.completedFuture(null);
    }
    return submit(c, session, new Op.Create(dir, new byte[0], CreateMode.PERSISTENT, 0, true)).handle((r, t) -> {
      if (t != null && !is(t, ErrorCode.NODE_EXISTS)) {
        throw cause(t);
      }
      return null;
    });
  }

  static <T> CompletableFuture<T> read(Coordinator c, long session, Supplier<T> read) {
    CompletableFuture<T> f = new CompletableFuture<>();
    c.read(session, read, (r, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(r);
      }
    });
    return f;
  }

  /** Completes once this node has applied everything committed before the call (a {@code sync}). */
  static CompletableFuture<String> synced(Coordinator c, long session, String path) {
    CompletableFuture<String> f = new CompletableFuture<>();
    c.sync(session, path, (p, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(p);
      }
    });
    return f;
  }

  /** The BatonException behind a future's failure. */
  static BatonException cause(Throwable t) {
    Throwable c = t;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof BatonException b ? b : new BatonException(ErrorCode.SYSTEM_ERROR, String.valueOf(c));
  }

  static boolean is(Throwable t, ErrorCode code) {
    return cause(t).code() == code;
  }

  /**
   * Deletes a node the session believes it holds (a contender, a taken item, a membership, a barrier
   * participant). The belief may rest on a stale view (this node had not yet applied an earlier release whose reply was
   * lost): a node already gone is answered NotHolder, like any release of what is not held.
   */
  static CompletableFuture<List<OpResult>> release(Coordinator c, long session, String path, String notHeld) {
    return submit(c, session, new Op.Delete(path, -1)).exceptionallyCompose(t -> CompletableFuture.failedFuture(
        is(t, ErrorCode.NO_NODE) ? new BatonException(ErrorCode.NOT_HOLDER, notHeld) : cause(t)));
  }

  static <T> CompletableFuture<T> failed(BatonException e) {
    return CompletableFuture.failedFuture(e);
  }
}
