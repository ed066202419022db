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
  /** How many times a child is created in a directory reaped meanwhile before NoNode is given up. */
  private static final int ATTEMPTS = 10;

  private Containers() {
  }

  /** Makes sure {@code dir} exists as a container (an existing one is fine); {@code force} skips the check. */
  static CompletableFuture<Void> ensure(Coordinator coordinator, long session, String dir, byte[] data,
                                        boolean force) {
    if (!force && coordinator.reads().exists(0, dir, false) != null) {
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
   * fails with NoNode and is retried after re-creating the directory unconditionally (ordered after the
   * reap). A fresh container is not reaped before its first child, but under contention other
   * sessions' children may come and go in it first, so this is tried up to {@link #ATTEMPTS} times.
   */
  static CompletableFuture<List<OpResult>> createIn(Coordinator coordinator, long session, String dir,
                                                    byte[] dirData, Op.Create child) {
    return ensure(coordinator, session, dir, dirData, false)
        .thenCompose(v -> createOrRetry(coordinator, session, dir, dirData, child, 1));
  }

  private static CompletableFuture<List<OpResult>> createOrRetry(Coordinator coordinator, long session, String dir,
                                                                 byte[] dirData, Op.Create child, int attempt) {
    return Async.submit(coordinator, session, child).exceptionallyCompose(t -> {
      if (!Async.is(t, ErrorCode.NO_NODE) || attempt >= ATTEMPTS) {
        return Async.failed(Async.cause(t));
      }
      return ensure(coordinator, session, dir, dirData, true)
          .thenCompose(v -> createOrRetry(coordinator, session, dir, dirData, child, attempt + 1));
    });
  }
}
