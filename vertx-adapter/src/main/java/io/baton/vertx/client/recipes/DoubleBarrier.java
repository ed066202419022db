package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * A double barrier for a party of {@code size}: {@link #enter} returns when all have entered,
 * {@link #leave} when all have left. Participants are ephemeral, so a dead one does not block
 * {@code leave} forever.
 */
public final class DoubleBarrier {
  private final CoordinationClient client;
  private final String name;
  private final int size;

  DoubleBarrier(CoordinationClient client, String name, int size) {
    this.client = client;
    this.name = name;
    this.size = size;
  }

  public Future<Void> enter(String participant, Duration timeout) {
    return client.request(new JsonObject().put("op", "barrier.enter").put("name", name)
        .put("participant", participant).put("size", size).put("timeoutMs", timeout.toMillis()),
        timeout.toMillis() + 10_000).mapEmpty();
  }

  public Future<Void> leave(String participant, Duration timeout) {
    return client.request(new JsonObject().put("op", "barrier.leave").put("name", name)
        .put("participant", participant).put("timeoutMs", timeout.toMillis()), timeout.toMillis() + 10_000).mapEmpty();
  }
}
