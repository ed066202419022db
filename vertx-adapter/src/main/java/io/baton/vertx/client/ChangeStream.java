package io.baton.vertx.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/** An open change stream; events go to the handler given when it was opened. */
public interface ChangeStream {
  /** The node-assigned stream id. */
  String id();

  /** Stops the stream. */
  Future<Void> close();

  /**
   * Called if the node ends the stream (e.g. {@code Compacted}: the log was purged while it caught
   * up); the failure is a {@code BatonException}.
   */
  ChangeStream exceptionHandler(Handler<Throwable> handler);
}
