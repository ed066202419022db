package io.baton.vertx.client.impl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;

/** How a client reaches a node: request/reply plus subscription to its session address. */
public interface Transport {
  /** Sends a request; fails with a {@code BatonException} carrying the node's error code. */
  Future<JsonObject> request(JsonObject body);

  /** As {@link #request(JsonObject)} with its own reply timeout (for commands that wait). */
  Future<JsonObject> request(JsonObject body, long timeoutMs);

  /**
   * Receives messages published to {@code address}, a session's notification address; {@code secret}
   * (hex) proves the session to a node that asks (the client bridge), or is null.
   */
  Future<Void> subscribe(String address, String secret, Handler<JsonObject> handler);

  Future<Void> close();

  /**
   * Called once when the connection is lost on its own (not after {@link #close()}), before the
   * requests still waiting fail. Transports without a connection of their own never call it.
   */
  default Transport closeHandler(Handler<Void> handler) {
    return this;
  }
}
