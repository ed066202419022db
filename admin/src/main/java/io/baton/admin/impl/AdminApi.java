package io.baton.admin.impl;

import io.baton.admin.AdminNode;
import io.baton.admin.Check;
import io.baton.core.auth.Caller;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.recipe.LockKind;
import io.baton.core.server.NodeViews;
import io.baton.core.view.ChildPage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The JSON views the admin page polls, under {@code /api/}: {@code status} (this node, its Raft
 * view of the cluster, disk, health), {@code tree} (a page of children), {@code node} (a data
 * preview, stat and ACL), {@code sessions}, {@code recipes} (locks with holders and tokens,
 * elections and leaders, groups and members, queues and depth) and {@code kafka} (a Kafka bridge in
 * this JVM, if any). Every answer is bounded (page sizes and previews are capped); tree reads are
 * checked against the ACLs as the caller.
 */
public final class AdminApi {
  static final int MAX_PAGE = 500;
  static final int MAX_PREVIEW = 64 * 1024;
  /** Recipe instances listed per kind, and members or candidates per instance. */
  static final int RECIPE_PAGE = 50;

  private final Vertx vertx;
  private final AdminNode node;
  private final StatusBoard board;
  private final AdminAccess access;
  private final String kafkaStatus;
  private final NodeHealth health;

  public AdminApi(Vertx vertx, AdminNode node, StatusBoard board, AdminAccess access, String kafkaStatus,
                  NodeHealth health) {
    this.vertx = vertx;
    this.node = node;
    this.board = board;
    this.access = access;
    this.kafkaStatus = kafkaStatus;
    this.health = health;
  }

  public void mount(Router router) {
    router.route("/api/*").handler(access::requireAdmin);
    router.get("/api/status").handler(this::status);
    router.get("/api/tree").handler(ctx -> owner(ctx, c -> ViewJson.children(views().children(c, path(ctx),
        intParam(ctx, "cursor", 0, 0, Integer.MAX_VALUE), intParam(ctx, "limit", 100, 1, MAX_PAGE)))));
    router.get("/api/node").handler(ctx -> owner(ctx, c -> ViewJson.preview(views().node(c, path(ctx),
        intParam(ctx, "max", 4096, 0, MAX_PREVIEW)))));
    router.get("/api/sessions").handler(ctx -> {
      long after;
      try {
        after = Long.parseUnsignedLong(strip(ctx.queryParams().get("after")), 16);
      } catch (NumberFormatException e) {
        json(ctx, 400, new JsonObject().put("message", "after: a session id in hex"));
        return;
      }
      int limit = intParam(ctx, "limit", 100, 1, MAX_PAGE);
      owner(ctx, c -> new JsonObject().put("sessions", ViewJson.sessions(views().sessions(after, limit))));
    });
    router.get("/api/recipes").handler(ctx -> owner(ctx, this::recipes));
    router.get("/api/kafka").handler(this::kafka);
  }

  private NodeViews views() {
    return node.coordinator().views();
  }

  private void status(RoutingContext ctx) {
    StatusBoard.Snapshot s = board.current();
    JsonObject out = new JsonObject().put("nodeId", node.coordinator().config().nodeId())
        .put("durability", node.coordinator().config().durability().name().toLowerCase())
        .put("enforceAuth", node.coordinator().auth().access().config().enforceAuth());
    if (s != null) {
      out.put("node", ViewJson.node(s.node())).put("takenMsAgo", System.currentTimeMillis() - s.takenMillis());
      if (s.raft() != null) {
        out.put("raft", ViewJson.raft(s.raft(), System.currentTimeMillis()));
      }
    }
    StatusBoard.Disk d = board.disk();
    if (d != null) {
      out.put("disk", new JsonObject().put("logBytes", d.logBytes()).put("raftLogBytes", d.raftLogBytes())
          .put("snapshotBytes", d.snapshotBytes()).put("writable", d.writable()));
    }
    JsonArray checks = new JsonArray();
    health.ready().forEach(c -> checks.add(new JsonObject().put("name", c.name()).put("ok", c.ok())
        .put("reason", c.reason())));
    json(ctx, 200, out.put("ready", Check.passed(health.ready())).put("checks", checks));
  }

  private JsonObject recipes(Caller caller) {
    JsonObject out = new JsonObject();
    JsonArray locks = new JsonArray();
    for (String name : names(caller, "/baton/locks")) {
      JsonArray holders = new JsonArray();
      if (node.recipes() != null) {
        for (Map<String, Object> h : node.recipes().holders(LockKind.MUTEX, name)) {
          holders.add(new JsonObject().put("owner", h.get("id")).put("session", ViewJson.hex((Long) h.get("session")))
              .put("token", h.get("token")).put("holds", h.get("holds")));
        }
      }
      locks.add(new JsonObject().put("name", name).put("holders", holders)
          .put("contenders", count(caller, "/baton/locks/" + name)));
    }
    JsonArray elections = new JsonArray();
    for (String name : names(caller, "/baton/elections")) {
      JsonObject e = new JsonObject().put("name", name)
          .put("candidates", count(caller, "/baton/elections/" + name + "/candidates"));
      if (node.recipes() != null) {
        List<Map<String, Object>> leader = node.recipes().holders(LockKind.ELECTION, name);
        if (!leader.isEmpty()) {
          e.put("leader", leader.get(0).get("id")).put("token", leader.get(0).get("token"))
              .put("session", ViewJson.hex((Long) leader.get(0).get("session")));
        }
      }
      elections.add(e);
    }
    JsonArray groups = new JsonArray();
    for (String name : names(caller, "/baton/groups")) {
      String dir = "/baton/groups/" + name + "/members";
      groups.add(new JsonObject().put("name", name).put("members", new JsonArray(names(caller, dir)))
          .put("total", count(caller, dir)));
    }
    JsonArray queues = new JsonArray();
    for (String name : names(caller, "/baton/queues")) {
      queues.add(new JsonObject().put("name", name).put("depth", count(caller, "/baton/queues/" + name + "/items"))
          .put("taken", count(caller, "/baton/queues/" + name + "/taken")));
    }
    return out.put("locks", locks).put("elections", elections).put("groups", groups).put("queues", queues);
  }

  /** The first {@link #RECIPE_PAGE} children of {@code dir} (none if it is missing). */
  private List<String> names(Caller caller, String dir) {
    try {
      return views().children(caller, dir, 0, RECIPE_PAGE).names();
    } catch (BatonException e) {
      if (e.code() == ErrorCode.NO_NODE) {
        return List.of();
      }
      throw e;
    }
  }

  private int count(Caller caller, String dir) {
    try {
      ChildPage page = views().children(caller, dir, 0, 1);
      return page.stat().numChildren();
    } catch (BatonException e) {
      if (e.code() == ErrorCode.NO_NODE) {
        return 0;
      }
      throw e;
    }
  }

  private void kafka(RoutingContext ctx) {
    vertx.eventBus().request(kafkaStatus, new JsonObject(), new DeliveryOptions().setSendTimeout(1000))
        .onComplete(r -> {
          if (r.succeeded() && r.result().body() instanceof JsonObject status) {
            json(ctx, 200, new JsonObject().put("deployed", true).put("status", status));
          } else {
            json(ctx, 200, new JsonObject().put("deployed", false).put("reason", "no Kafka bridge answers at '"
                + kafkaStatus + "' in this node's JVM" + (r.failed() ? " (" + r.cause().getMessage() + ")" : "")));
          }
        });
  }

  private interface Read {
    JsonObject read(Caller caller);
  }

  private void owner(RoutingContext ctx, Read read) {
    Caller caller = ctx.get(AdminAccess.CALLER);
    Future<JsonObject> f = OwnerCalls.call(node.owner(), () -> read.read(caller));
    f.onComplete(r -> {
      if (r.succeeded()) {
        json(ctx, 200, r.result());
      } else if (r.cause() instanceof BatonException e) {
        int status = switch (e.code()) {
          case NO_NODE -> 404;
          case NO_AUTH -> 403;
          case BAD_ARGUMENTS, INVALID_PATH -> 400;
          default -> 500;
        };
        json(ctx, status, new JsonObject().put("code", e.code().value()).put("error", e.code().name())
            .put("message", e.getMessage()));
      } else {
        ctx.fail(r.cause());
      }
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static String path(RoutingContext ctx) {
    String p = ctx.queryParams().get("path");
    return p == null || p.isEmpty() ? "/" : p;
  }

  private static String strip(String hex) {
    if (hex == null || hex.isEmpty()) {
      return "0";
    }
    return hex.startsWith("0x") ? hex.substring(2) : hex;
  }

  private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(v)));
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
