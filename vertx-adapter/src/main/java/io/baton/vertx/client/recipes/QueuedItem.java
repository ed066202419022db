package io.baton.vertx.client.recipes;

import io.baton.vertx.api.Protocol;
import io.vertx.core.json.JsonObject;

/** An item taken from a {@link DistributedQueue}. */
public record QueuedItem(String id, byte[] data) {
  static QueuedItem of(JsonObject j) {
    return new QueuedItem(j.getString("item"), Protocol.unbase64(j.getString("data")));
  }
}
