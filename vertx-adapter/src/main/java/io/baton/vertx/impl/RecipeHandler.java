package io.baton.vertx.impl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.recipe.Grant;
import io.baton.core.recipe.LockKind;
import io.baton.core.recipe.RecipeEvent;
import io.baton.core.recipe.RecipeService;
import io.baton.vertx.api.Fields;
import io.baton.vertx.api.Protocol;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Recipe commands of protocol v1 ({@code lock.*}, {@code election.*}, {@code group.*},
 * {@code registry.*}, {@code config.*}, {@code counter.*}, {@code barrier.*}, {@code queue.*},
 * {@code recipe.subscribe}); see docs/recipes.md. Runs on the coordinator's context.
 */
public final class RecipeHandler {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final RecipeService recipes;

  public RecipeHandler(Vertx vertx, RecipeService recipes, String address) {
    this.recipes = recipes;
    recipes.addListener((session, e) -> vertx.eventBus().publish(Protocol.sessionAddress(address, session),
        event(e)));
  }

  static JsonObject event(RecipeEvent e) {
    JsonObject j = new JsonObject().put("type", "recipe").put("recipe", e.recipe()).put("name", e.name())
        .put("event", e.event()).put("zxid", e.zxid());
    e.fields().forEach((k, v) -> j.put(k, k.equals("session") && v instanceof Long l ? Protocol.hex(l) : v));
    return j;
  }

  /** Whether {@code op} is a recipe command. */
  public static boolean handles(String op) {
    int dot = op.indexOf('.');
    return dot > 0 && List.of("lock", "election", "group", "registry", "config", "counter", "barrier", "queue",
        "recipe").contains(op.substring(0, dot));
  }

  public void handle(Message<Object> m, String op, Fields f, long session) {
    switch (op) {
      case "lock.acquire" -> {
        LockKind kind = LockKind.parse(f.optString("kind", "mutex"));
        reply(m, recipes.acquire(session, kind, f.string("name"), f.optString("owner", null),
            f.optInt("permits", 1), f.optLong("timeoutMs", 10_000)), RecipeHandler::grant);
      }
      case "lock.release" -> reply(m, recipes.release(session, LockKind.parse(f.optString("kind", "mutex")),
          f.string("name"), f.optString("owner", null), f.optString("lease", null)),
          holds -> new JsonObject().put("holds", holds));
      case "lock.cancel" -> reply(m, recipes.cancel(session, LockKind.parse(f.optString("kind", "mutex")),
          f.string("name"), f.optString("owner", null)), c -> new JsonObject().put("cancelled", c));
      case "lock.holders" -> m.reply(new JsonObject().put("holders", list(recipes.holders(
          LockKind.parse(f.optString("kind", "mutex")), f.string("name")))));
      case "election.join" -> reply(m, recipes.joinElection(session, f.string("name"), f.string("candidate"),
          meta(f)), RecipeHandler::json);
      case "election.resign" -> reply(m, recipes.resign(session, f.string("name"), f.string("candidate")),
          h -> new JsonObject());
      case "election.leader" -> m.reply(json(recipes.election(f.string("name"))));
      case "group.join" -> reply(m, recipes.joinGroup(session, f.string("name"), f.string("member"), meta(f)),
          mem -> new JsonObject().put("path", mem.path()));
      case "group.leave" -> reply(m, recipes.leaveGroup(session, f.string("name"), f.string("member")),
          v -> new JsonObject());
      case "group.members" -> {
        JsonArray a = new JsonArray();
        recipes.groupMembers(f.string("name")).forEach(mem -> a.add(new JsonObject().put("id", mem.id())
            .put("session", Protocol.hex(mem.session())).put("meta", new JsonObject(mem.doc().toString()))));
        m.reply(new JsonObject().put("members", a));
      }
      case "registry.register" -> reply(m, recipes.register(session, f.string("service"), f.string("id"),
          f.string("address"), f.optDouble("weight", 1.0), meta(f)), mem -> new JsonObject().put("path", mem.path()));
      case "registry.report" -> reply(m, recipes.report(session, f.string("service"), f.string("id"),
          f.has("load") ? f.optDouble("load", 0) : null, f.has("weight") ? f.optDouble("weight", 1) : null),
          mem -> instance(mem));
      case "registry.deregister" -> reply(m, recipes.deregister(session, f.string("service"), f.string("id")),
          v -> new JsonObject());
      case "registry.list" -> {
        JsonArray a = new JsonArray();
        recipes.instances(f.string("service")).forEach(mem -> a.add(instance(mem)));
        m.reply(new JsonObject().put("instances", a));
      }
      case "registry.pick" -> m.reply(instance(recipes.pick(f.string("service"),
          f.optString("strategy", "round_robin"), f.optString("key", null))));
      case "config.get" -> {
        var v = recipes.config(f.string("name"));
        m.reply(new JsonObject().put("version", v.version()).put("value", new JsonObject(v.json())));
      }
      case "config.set" -> reply(m, recipes.setConfig(session, f.string("name"), f.jsonText("value"),
          f.optInt("version", -1)), v -> new JsonObject().put("version", v.version()));
      case "config.history" -> {
        JsonArray a = new JsonArray();
        recipes.configHistory(f.string("name")).forEach(v -> a.add(new JsonObject().put("version", v.version())
            .put("value", new JsonObject(v.json()))));
        m.reply(new JsonObject().put("history", a));
      }
      case "config.rollback" -> reply(m, recipes.rollbackConfig(session, f.string("name"),
          f.optInt("toVersion", -2), f.optInt("version", -1)), v -> new JsonObject().put("version", v.version()));
      case "counter.get" -> m.reply(new JsonObject().put("value", recipes.counter(f.string("name"))));
      case "counter.add" -> reply(m, recipes.addCounter(session, f.string("name"), f.optLong("delta", 1)),
          v -> new JsonObject().put("value", v));
      case "counter.cas" -> reply(m, recipes.casCounter(session, f.string("name"), f.optLong("expect", 0),
          f.optLong("update", 0)), r -> new JsonObject().put("swapped", r[0] == 1).put("value", r[1]));
      case "barrier.set" -> reply(m, recipes.setBarrier(session, f.string("name")),
          b -> new JsonObject().put("set", b));
      case "barrier.remove" -> reply(m, recipes.removeBarrier(session, f.string("name")),
          b -> new JsonObject().put("removed", b));
      case "barrier.await" -> reply(m, recipes.awaitBarrier(session, f.string("name"), f.optLong("timeoutMs", 10_000)),
          n -> new JsonObject());
      case "barrier.enter" -> reply(m, recipes.enterBarrier(session, f.string("name"), f.string("participant"),
          f.optInt("size", 0), f.optLong("timeoutMs", 10_000)), n -> new JsonObject().put("count", n));
      case "barrier.leave" -> reply(m, recipes.leaveBarrier(session, f.string("name"), f.string("participant"),
          f.optLong("timeoutMs", 10_000)), n -> new JsonObject().put("count", n));
      case "queue.put" -> reply(m, recipes.put(session, f.string("name"), f.data(), f.optInt("priority", 0)),
          id -> new JsonObject().put("item", id));
      case "queue.take" -> reply(m, recipes.take(session, f.string("name"), f.optBool("ack", false),
          f.optLong("leaseMs", 30_000), f.optLong("timeoutMs", 10_000)), item -> new JsonObject()
          .put("item", item.id()).put("data", Protocol.base64(item.data())).put("zxid", item.zxid()));
      case "queue.ack" -> reply(m, recipes.ack(session, f.string("name"), f.string("item")), v -> new JsonObject());
      case "queue.size" -> {
        int[] s = recipes.queueSize(f.string("name"));
        m.reply(new JsonObject().put("waiting", s[0]).put("taken", s[1]));
      }
      case "recipe.subscribe" -> {
        recipes.subscribe(session, f.string("recipe"), f.string("name"));
        m.reply(new JsonObject());
      }
      case "recipe.unsubscribe" -> m.reply(new JsonObject().put("removed",
          recipes.unsubscribe(session, f.string("recipe"), f.string("name"))));
      default -> throw new BatonException(ErrorCode.UNIMPLEMENTED, "unknown op '" + op + "'");
    }
  }

  private static ObjectNode meta(Fields f) {
    String text = f.jsonTextOrNull("meta");
    if (text == null) {
      return null;
    }
    try {
      var node = MAPPER.readTree(text);
      if (!(node instanceof ObjectNode o)) {
        throw BatonException.badArguments("field 'meta' must be an object");
      }
      return o;
    } catch (java.io.IOException e) {
      throw BatonException.badArguments("field 'meta' is not JSON");
    }
  }

  private static JsonObject grant(Grant g) {
    return new JsonObject().put("path", g.path()).put("token", g.token()).put("holds", g.holds());
  }

  private static JsonObject instance(io.baton.core.recipe.Member mem) {
    return new JsonObject().put("id", mem.id()).put("session", Protocol.hex(mem.session()))
        .put("instance", new JsonObject(mem.doc().toString()));
  }

  private static JsonArray list(List<Map<String, Object>> rows) {
    JsonArray a = new JsonArray();
    rows.forEach(r -> a.add(json(r)));
    return a;
  }

  @SuppressWarnings("unchecked")
  private static JsonObject json(Map<String, Object> map) {
    JsonObject j = new JsonObject();
    map.forEach((k, v) -> {
      if (v instanceof Map<?, ?> nested) {
        j.put(k, json((Map<String, Object>) nested));
      } else if (v instanceof List<?> l) {
        JsonArray a = new JsonArray();
        l.forEach(x -> a.add(x instanceof Map<?, ?> xm ? json((Map<String, Object>) xm) : x));
        j.put(k, a);
      } else if (k.equals("session") && v instanceof Long l) {
        j.put(k, Protocol.hex(l));
      } else {
        j.put(k, v);
      }
    });
    return j;
  }

  /**
   * Replies with the encoded result and the node's applied {@code zxid}, which covers what the answer
   * rests on (a grant, a take): a client that moves to another node resumes there only once that node
   * has applied as much, so it never finds its lock not yet granted or its item not yet taken.
   */
  private <T> void reply(Message<Object> m, CompletableFuture<T> f, Function<T, JsonObject> encode) {
    f.whenComplete((r, t) -> {
      if (t == null) {
        JsonObject body = encode.apply(r);
        m.reply(body.put("zxid", Math.max(body.getLong("zxid", 0L), recipes.appliedZxid())));
        return;
      }
      Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      if (c instanceof BatonException b) {
        m.fail(b.code().value(), b.getMessage());
      } else {
        m.fail(ErrorCode.SYSTEM_ERROR.value(), String.valueOf(c));
      }
    });
  }
}
