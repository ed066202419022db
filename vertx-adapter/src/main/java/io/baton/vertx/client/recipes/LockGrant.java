package io.baton.vertx.client.recipes;

import io.vertx.core.json.JsonObject;

/**
 * A held lock, semaphore lease or leadership term. {@code token} is the fencing token: strictly
 * increasing across successive holders, so a downstream system can refuse a stale holder.
 */
public record LockGrant(String path, long token, int holds) {
  static LockGrant of(JsonObject j) {
    return new LockGrant(j.getString("path"), j.getLong("token"), j.getInteger("holds", 1));
  }
}
