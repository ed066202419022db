package io.baton.vertx.client;

import io.vertx.core.Future;

/** An open change stream; events go to the handler given when it was opened. */
public interface ChangeStream {
  /** The node-assigned stream id. */
  String id();

  /** Stops the stream. */
  Future<Void> close();
}
