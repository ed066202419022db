package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Service registry for load balancing: instances register (ephemeral) with address and weight and
 * report their load; {@link #pick} chooses by {@code round_robin}, {@code random}, {@code weighted},
 * {@code least_loaded} or {@code consistent_hash} (with a key).
 */
public final class ServiceRegistry {
  private final CoordinationClient client;
  private final String service;

  ServiceRegistry(CoordinationClient client, String service) {
    this.client = client;
    this.service = service;
  }

  public Future<Void> register(String id, String address, double weight) {
    return client.request(base("registry.register").put("id", id).put("address", address).put("weight", weight))
        .mapEmpty();
  }

  public Future<Void> reportLoad(String id, double load) {
    return client.request(base("registry.report").put("id", id).put("load", load)).mapEmpty();
  }

  public Future<Void> deregister(String id) {
    return client.request(base("registry.deregister").put("id", id)).mapEmpty();
  }

  /** Instances: id, session, instance {address, weight, load, ...}. */
  public Future<JsonArray> list() {
    return client.request(base("registry.list")).map(r -> r.getJsonArray("instances"));
  }

  /** Picks an instance; completes with {id, session, instance}. */
  public Future<JsonObject> pick(String strategy, String key) {
    JsonObject req = base("registry.pick").put("strategy", strategy);
    if (key != null) {
      req.put("key", key);
    }
    return client.request(req);
  }

  /** Receives InstanceUp / InstanceDown / InstanceUpdated events. */
  public Future<Void> watch(Handler<JsonObject> handler) {
    client.recipeEventHandler("registry", service, handler);
    return client.request(new JsonObject().put("op", "recipe.subscribe").put("recipe", "registry")
        .put("name", service)).mapEmpty();
  }

  private JsonObject base(String op) {
    return new JsonObject().put("op", op).put("service", service);
  }
}
