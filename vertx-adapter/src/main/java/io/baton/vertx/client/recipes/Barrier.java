package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** A barrier: {@link #await} blocks until someone removes it. */
public final class Barrier {
  private final CoordinationClient client;
  private final String name;

  Barrier(CoordinationClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** Raises the barrier; completes with false if it was already up. */
  public Future<Boolean> set() {
    return client.request(base("barrier.set")).map(r -> r.getBoolean("set"));
  }

  /** Lowers the barrier, releasing every waiter; completes with false if it was not up. */
  public Future<Boolean> remove() {
    return client.request(base("barrier.remove")).map(r -> r.getBoolean("removed"));
  }

  /** Completes once the barrier is down; OperationTimeout after {@code timeout}. */
  public Future<Void> await(Duration timeout) {
    return client.request(base("barrier.await").put("timeoutMs", timeout.toMillis()), timeout.toMillis() + 10_000)
        .mapEmpty();
  }

  private JsonObject base(String op) {
    return new JsonObject().put("op", op).put("name", name);
  }
}
