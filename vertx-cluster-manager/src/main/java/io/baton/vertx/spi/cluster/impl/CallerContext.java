package io.baton.vertx.spi.cluster.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Hands results back to the context of the code that asked: the Baton client completes its futures on
 * its own event loop, while Vert.x code expects its callbacks on its own context (as with a local map).
 * {@link #NONE} hands them over as they come, for callers that block on them (the sync map).
 */
public final class CallerContext {
  /** No hand-over: results complete on the client's event loop. */
  public static final CallerContext NONE = new CallerContext(null);
  private final Vertx vertx;

  public CallerContext(Vertx vertx) {
    this.vertx = vertx;
  }

  /** {@code result}, completed on the calling thread's Vert.x context (a new one off Vert.x threads). */
  public <T> Future<T> on(Future<T> result) {
    if (vertx == null) {
      return result;
    }
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    result.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }
}
