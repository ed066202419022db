package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Group membership: members are ephemeral nodes with metadata; the feed reports MemberJoined and
 * MemberLeft with a reason ({@code left}, {@code expired}, {@code session closed}).
 */
public final class Group {
  private final CoordinationClient client;
  private final String name;

  Group(CoordinationClient client, String name) {
    this.client = client;
    this.name = name;
  }

  public Future<Void> join(String member, JsonObject meta) {
    JsonObject req = new JsonObject().put("op", "group.join").put("name", name).put("member", member);
    if (meta != null) {
      req.put("meta", meta);
    }
    return client.request(req).mapEmpty();
  }

  public Future<Void> leave(String member) {
    return client.request(new JsonObject().put("op", "group.leave").put("name", name).put("member", member))
        .mapEmpty();
  }

  /** Members: id, session, meta. */
  public Future<JsonArray> members() {
    return client.request(new JsonObject().put("op", "group.members").put("name", name))
        .map(r -> r.getJsonArray("members"));
  }

  /** Receives MemberJoined / MemberLeft events. */
  public Future<Void> watch(Handler<JsonObject> handler) {
    client.recipeEventHandler("group", name, handler);
    return client.request(new JsonObject().put("op", "recipe.subscribe").put("recipe", "group").put("name", name))
        .mapEmpty();
  }
}
