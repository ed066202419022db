package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * A mutex, a side of a read/write lock, or a counting semaphore, decided on the node in arrival
 * order. Mutex and write locks are reentrant for the same owner; holds of an expired session are
 * released with it. {@code acquire} fails with OperationTimeout if not granted in time.
 */
public final class Lock {
  private final CoordinationClient client;
  private final String kind;
  private final String name;
  private final int permits;
  private final String owner;

  Lock(CoordinationClient client, String kind, String name, int permits, String owner) {
    this.client = client;
    this.kind = kind;
    this.name = name;
    this.permits = permits;
    this.owner = owner;
  }

  /** A view of this lock for another owner inside the same session (reentrancy is per owner). */
  public Lock forOwner(String ownerId) {
    return new Lock(client, kind, name, permits, ownerId);
  }

  public Future<LockGrant> acquire(Duration timeout) {
    JsonObject req = base("lock.acquire").put("timeoutMs", timeout.toMillis()).put("permits", permits);
    return client.request(req, timeout.toMillis() + 10_000).map(LockGrant::of);
  }

  /** Releases one hold; completes with the holds left (0 = released). */
  public Future<Integer> release() {
    return client.request(base("lock.release")).map(r -> r.getInteger("holds"));
  }

  /** Releases one specific semaphore lease. */
  public Future<Integer> release(LockGrant lease) {
    return client.request(base("lock.release").put("lease", lease.path())).map(r -> r.getInteger("holds"));
  }

  /** Cancels a pending acquire of this session; completes with whether one was pending. */
  public Future<Boolean> cancel() {
    return client.request(base("lock.cancel")).map(r -> r.getBoolean("cancelled"));
  }

  /** Current holders: path, id (owner), session, token, holds. */
  public Future<JsonArray> holders() {
    return client.request(base("lock.holders")).map(r -> r.getJsonArray("holders"));
  }

  private JsonObject base(String op) {
    JsonObject j = new JsonObject().put("op", op).put("kind", kind).put("name", name);
    if (owner != null) {
      j.put("owner", owner);
    }
    return j;
  }
}
