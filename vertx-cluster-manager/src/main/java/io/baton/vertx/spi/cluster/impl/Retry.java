package io.baton.vertx.spi.cluster.impl;

import io.baton.core.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Hides the Baton client's failover from Vert.x: an operation that fails with ConnectionLoss (its node went
 * away; the client reconnects with the same session) is tried again until it gets an answer or the session
 * timeout has passed. Only for operations whose repetition is harmless: reads, and writes made idempotent
 * (a create that accepts NodeExists, a delete that accepts NoNode, a compare-and-set that re-reads).
 */
final class Retry {
  private static final long PAUSE_MS = 200;

  private Retry() {
  }

  static <T> Future<T> onConnectionLoss(Connection connection, Supplier<Future<T>> op) {
    long deadline = System.currentTimeMillis() + connection.sessionTimeoutMs();
    return attempt(connection, op, deadline);
  }

  private static <T> Future<T> attempt(Connection connection, Supplier<Future<T>> op, long deadline) {
    return op.get().recover(t -> {
      if (!Errors.is(t, ErrorCode.CONNECTION_LOSS) || connection.isClosed()
          || System.currentTimeMillis() + PAUSE_MS > deadline) {
        return Future.failedFuture(t);
      }
      Promise<T> later = Promise.promise();
      connection.vertx().setTimer(PAUSE_MS, id -> attempt(connection, op, deadline).onComplete(later));
      return later.future();
    });
  }
}
