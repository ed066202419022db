package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A named JSON configuration document with versions, compare-and-set updates, a history of recent
 * versions with rollback, and a subscription that delivers the current value then every change.
 */
public final class ConfigDocument {
  private final CoordinationClient client;
  private final String name;

  ConfigDocument(CoordinationClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** {version, value}; fails with NoNode if never set. */
  public Future<JsonObject> get() {
    return client.request(base("config.get"));
  }

  /** Sets the value if the current version is {@code expectedVersion} (-1: any); completes with the new version. */
  public Future<Integer> set(JsonObject value, int expectedVersion) {
    return client.request(base("config.set").put("value", value).put("version", expectedVersion))
        .map(r -> r.getInteger("version"));
  }

  /** Recent versions, oldest first: {version, value}. */
  public Future<JsonArray> history() {
    return client.request(base("config.history")).map(r -> r.getJsonArray("history"));
  }

  /** Writes the value of {@code toVersion} as a new version. */
  public Future<Integer> rollback(int toVersion, int expectedVersion) {
    return client.request(base("config.rollback").put("toVersion", toVersion).put("version", expectedVersion))
        .map(r -> r.getInteger("version"));
  }

  /** Delivers {version, value} now (if set) and after every change. */
  public Future<Void> subscribe(Handler<JsonObject> handler) {
    client.recipeEventHandler("config", name, e -> handler.handle(new JsonObject()
        .put("version", e.getInteger("version")).put("value", new JsonObject(e.getString("value")))));
    return client.request(new JsonObject().put("op", "recipe.subscribe").put("recipe", "config").put("name", name))
        .compose(v -> get().map(current -> {
          handler.handle(current);
          return (Void) null;
        }).recover(t -> Future.succeededFuture()));
  }

  private JsonObject base(String op) {
    return new JsonObject().put("op", op).put("name", name);
  }
}
