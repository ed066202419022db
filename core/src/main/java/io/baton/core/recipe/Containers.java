package io.baton.core.recipe;

import io.baton.core.error.ErrorCode;
import io.baton.core.server.Coordinator;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Creating nodes inside recipe directories that are containers, which the ordering node may reap
 * as soon as they are empty.
 */
final class Containers {
  private Containers() {
  }

  /** Makes sure {@code dir} exists as a container (an existing one is fine); {@code force} skips the check. */
  static CompletableFuture<Void> ensure(Coordinator coordinator, long session, String dir, byte[] data,
                                        boolean force) {
    if (!force && coordinator.exists(0, dir, false) != null) {
      return CompletableFuture.completedFuture(null);
    }
    return Async.submit(coordinator, session, new Op.Create(dir, data, CreateMode.CONTAINER, 0, true))
        .handle((r, t) -> {
          if (t != null && !Async.is(t, ErrorCode.NODE_EXISTS)) {
            throw Async.cause(t);
          }
          return null;
        });
  }

  /**
   * Creates {@code child} in {@code dir}, creating the directory first if needed. If the directory
   * was reaped after it was seen in the committed tree but before the create was ordered, the create
   * fails with NoNode and is retried once after re-creating the directory unconditionally (ordered
   * after the reap; a fresh container is never reaped before its first child).
   */
  static CompletableFuture<List<OpResult>> createIn(Coordinator coordinator, long session, String dir,
                                                    byte[] dirData, Op.Create child) {
    return ensure(coordinator, session, dir, dirData, false)
        .thenCompose(v -> Async.submit(coordinator, session, child))
        .handle((r, t) -> {
          if (t == null) {
            return CompletableFuture.completedFuture(r);
          }
          if (!Async.is(t, ErrorCode.NO_NODE)) {
            return Async.<List<OpResult>>failed(Async.cause(t));
          }
          return ensure(coordinator, session, dir, dirData, true)
              .thenCompose(v -> Async.submit(coordinator, session, child));
        })
        .thenCompose(f -> f);
  }
}
