package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A shared 64-bit counter with atomic add and compare-and-set. */
public final class Counter {
  private final CoordinationClient client;
  private final String name;

  Counter(CoordinationClient client, String name) {
    this.client = client;
    this.name = name;
  }

  public Future<Long> get() {
    return client.request(base("counter.get")).map(r -> r.getLong("value"));
  }

  /** Adds {@code delta}; completes with the new value. */
  public Future<Long> add(long delta) {
    return client.request(base("counter.add").put("delta", delta)).map(r -> r.getLong("value"));
  }

  /** Sets {@code update} if the value is {@code expect}; completes with whether it swapped. */
  public Future<Boolean> compareAndSet(long expect, long update) {
    return client.request(base("counter.cas").put("expect", expect).put("update", update))
        .map(r -> r.getBoolean("swapped"));
  }

  private JsonObject base(String op) {
    return new JsonObject().put("op", op).put("name", name);
  }
}
