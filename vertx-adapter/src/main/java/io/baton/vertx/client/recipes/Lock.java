package io.baton.vertx.client.recipes;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
  /** How often, and how far apart, an unknown acquire is settled while the client reconnects. */
  private static final int SETTLE_ATTEMPTS = 600;
  private static final long SETTLE_RETRY_MS = 100;
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

  /**
   * Acquires, waiting at most {@code timeout}. If the outcome is unknown (ConnectionLoss: the node
   * went away while the acquire waited), the session's pending contender is withdrawn wherever it
   * waits once the client has reconnected, and the acquire succeeds if the lock turns out to be held
   * by this session and owner, or fails with the original error with nothing left waiting — never
   * does a lock get granted later to a client that was told it failed.
   */
  public Future<LockGrant> acquire(Duration timeout) {
    JsonObject req = base("lock.acquire").put("timeoutMs", timeout.toMillis()).put("permits", permits);
    return client.request(req, timeout.toMillis() + 10_000).map(LockGrant::of).recover(t -> {
      if (t instanceof BatonException e && e.code() == ErrorCode.CONNECTION_LOSS) {
        return settle(e, 0);
      }
      return Future.failedFuture(t);
    });
  }

  /** After an acquire with an unknown outcome: withdraw what waits, then find out whether it is held. */
  private Future<LockGrant> settle(BatonException unknown, int attempt) {
    return client.request(base("lock.cancel"))
        .compose(c -> client.request(base("lock.holders")))
        .<LockGrant>compose(h -> {
          String session = Protocol.hex(client.sessionId());
          String me = owner != null ? owner : Long.toHexString(client.sessionId());
          for (Object o : h.getJsonArray("holders")) {
            JsonObject holder = (JsonObject) o;
            if (session.equals(holder.getString("session")) && me.equals(holder.getString("id"))) {
              return Future.succeededFuture(LockGrant.of(holder));
            }
          }
          return Future.failedFuture(unknown);
        })
        .recover(t -> {
          boolean again = t != unknown && t instanceof BatonException e && e.code() == ErrorCode.CONNECTION_LOSS
              && attempt < SETTLE_ATTEMPTS;
          if (!again) {
            return Future.failedFuture(t);
          }
          Promise<LockGrant> later = Promise.promise();
          Context context = Vertx.currentContext();
          Runnable retry = () -> settle(unknown, attempt + 1).onComplete(later);
          if (context == null) {
            retry.run();
          } else {
            context.owner().setTimer(SETTLE_RETRY_MS, id -> retry.run());
          }
          return later.future();
        });
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
