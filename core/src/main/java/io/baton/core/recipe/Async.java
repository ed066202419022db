package io.baton.core.recipe;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
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

  static CompletableFuture<List<OpResult>> submit(Coordinator c, long session, Command command) {
    CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
    c.submit(session, command, (r, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(r);
      }
    });
    return f;
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
