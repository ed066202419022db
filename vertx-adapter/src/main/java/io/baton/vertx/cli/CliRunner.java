package io.baton.vertx.cli;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.Paths;
import io.baton.core.tree.Stat;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.api.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs CLI commands over a {@link CliConnection} and prints their results: zkCli's text, or with
 * {@code --json} one JSON object per command (the node's reply, or what the CLI gathered).
 */
final class CliRunner {
  /** Info keys that hold zxids, printed in hex like every other zxid. */
  private static final Set<String> ZXID_KEYS = Set.of("zxid", "logHorizon");
  /** A node applying more than this many entries behind its commit index is not healthy. */
  static final long HEALTHY_APPLY_LAG = 1_000;
  private final CliConnection connection;
  private final PrintStream out;
  private final boolean json;
  private final long count;

  CliRunner(CliConnection connection, PrintStream out, boolean json, long count) {
    this.connection = connection;
    this.out = out;
    this.json = json;
    this.count = count;
  }

  /** Runs {@code c}; false if it ran but found something wrong (an unhealthy node). */
  boolean run(CliCommand c) throws InterruptedException {
    String path = c.path();
    boolean watch = c.flags().contains("-w");
    switch (c.name()) {
      case "ls" -> {
        if (c.flags().contains("-R")) {
          List<String> paths = subtree(path);
          print(new JsonObject().put("paths", new JsonArray(paths)), () -> paths.forEach(out::println));
        } else {
          JsonObject r = request(c, op("getChildren", path).put("watch", watch));
          print(r, () -> {
            out.println(r.getJsonArray("children").getList());
            statIf(c, r);
          });
        }
        waitIf(watch);
      }
      case "get" -> {
        JsonObject r = request(c, op("getData", path).put("watch", watch));
        print(r, () -> {
          byte[] data = Protocol.unbase64(r.getString("data"));
          out.println(data == null ? "null" : new String(data, StandardCharsets.UTF_8));
          statIf(c, r);
        });
        waitIf(watch);
      }
      case "set" -> {
        JsonObject r = request(c, op("setData", path).put("data", base64(c.args().get(1)))
            .put("version", c.versionOrAny()));
        print(r, () -> statIf(c, r));
      }
      case "create" -> {
        JsonObject r = request(c, op("create", path).put("data", base64(c.args().size() > 1 ? c.args().get(1) : ""))
            .put("mode", c.mode().name().toLowerCase()).put("ttl", c.ttl() == null ? 0 : c.ttl())
            .put("createParents", c.flags().contains("-p")));
        print(r, () -> out.println("Created " + r.getString("path")));
      }
      case "delete" -> print(request(c, op("delete", path).put("version", c.versionOrAny())), () -> { });
      case "deleteall" -> {
        List<String> paths = subtree(path);
        for (int i = paths.size() - 1; i >= 0; i--) {
          try {
            request(c, op("delete", paths.get(i)).put("version", -1));
          } catch (BatonException e) {
            if (e.code() != ErrorCode.NO_NODE) {
              throw e;
            }
          }
        }
        print(new JsonObject().put("deleted", paths.size()), () -> { });
      }
      case "stat" -> {
        JsonObject r = request(c, op("exists", path).put("watch", watch));
        if (r.getValue("stat") == null && !json) {
          throw BatonException.noNode(path);
        }
        print(r, () -> printStat(Protocol.stat(r.getJsonObject("stat"))));
        waitIf(watch);
      }
      case "sync" -> {
        JsonObject r = request(c, op("sync", path));
        print(r, () -> out.println("Sync is OK"));
      }
      case "watch" -> watch(c, path);
      case "getAcl" -> {
        JsonObject r = request(c, op("getACL", path));
        print(r, () -> Protocol.acl(r.getJsonArray("acl")).forEach(a -> out.println(aclEntry(a))));
      }
      case "setAcl" -> {
        List<Acl> acl = new ArrayList<>();
        for (String entry : c.args().subList(1, c.args().size())) {
          acl.add(aclEntry(entry));
        }
        JsonObject r = request(c, op("setACL", path).put("acl", Protocol.acl(acl)).put("version", c.versionOrAny()));
        print(r, () -> out.println("aclVersion = " + r.getJsonObject("stat").getInteger("aversion")));
      }
      case "addauth" -> {
        connection.addAuth(c.args().get(0), c.args().get(1));
        print(new JsonObject(), () -> { });
      }
      case "whoami" -> {
        JsonObject r = request(c, new JsonObject().put("op", "whoAmI"));
        print(r, () -> r.getJsonArray("identities").forEach(out::println));
      }
      case "info" -> {
        JsonObject r = request(c, new JsonObject().put("op", "info"));
        print(r, () -> r.forEach(e -> out.println(e.getKey() + " = " + (ZXID_KEYS.contains(e.getKey())
            && e.getValue() instanceof Number n ? "0x" + Long.toHexString(n.longValue()) : e.getValue()))));
      }
      case "snapshot" -> {
        JsonObject r = request(c, new JsonObject().put("op", "snapshot"));
        print(r, () -> out.println(String.format("snapshots/snapshot.%016x", r.getLong("zxid"))));
      }
      case "cluster" -> {
        return cluster();
      }
      case "health" -> {
        return health();
      }
      default -> throw new IllegalStateException(c.name());
    }
    return true;
  }

  private JsonObject request(CliCommand c, JsonObject request) {
    return connection.request(request, c.needsSession());
  }

  private static JsonObject op(String op, String path) {
    return new JsonObject().put("op", op).put("path", path);
  }

  private static String base64(String text) {
    return Protocol.base64(text.getBytes(StandardCharsets.UTF_8));
  }

  private void print(JsonObject reply, Runnable text) {
    if (json) {
      out.println(reply.encode());
    } else {
      text.run();
    }
    out.flush();
  }

  private void statIf(CliCommand c, JsonObject reply) {
    if (c.flags().contains("-s")) {
      printStat(Protocol.stat(reply.getJsonObject("stat")));
    }
  }

  /** The paths of the subtree at {@code top}, parents before children, level by level. */
  private List<String> subtree(String top) {
    List<String> paths = new ArrayList<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(top);
    while (!queue.isEmpty()) {
      String p = queue.poll();
      paths.add(p);
      JsonArray children = connection.request(op("getChildren", p), false).getJsonArray("children");
      List<String> names = new ArrayList<>();
      children.forEach(n -> names.add((String) n));
      names.sort(null);
      names.forEach(n -> queue.add(Paths.child(p, n)));
    }
    return paths;
  }

  /** With {@code -w}: waits for the one event the watch delivers and prints it. */
  private void waitIf(boolean watch) throws InterruptedException {
    if (watch) {
      printEvent(connection.nextEvent());
    }
  }

  private void watch(CliCommand c, String path) throws InterruptedException {
    request(c, op("addWatch", path).put("mode", "persistent_recursive"));
    if (!json) {
      out.println("Watching " + path + " (persistent recursive)");
      out.flush();
    }
    for (long received = 0; received < count; received++) {
      printEvent(connection.nextEvent());
    }
  }

  private void printEvent(Object next) {
    if (next instanceof BatonException e) {
      throw e;
    }
    WatchEvent e = (WatchEvent) next;
    print(Protocol.watchEvent(e), () -> out.println("WatchedEvent type:" + e.type() + " path:" + e.path()
        + " zxid:0x" + Long.toHexString(e.zxid())));
  }

  /** Every server's view: role, term, leader, commit and applied index, lag; unreachable ones as down. */
  private boolean cluster() {
    List<JsonObject> nodes = probeAll();
    long commit = nodes.stream().filter(n -> n.containsKey("commitIndex")).mapToLong(n -> n.getLong("commitIndex"))
        .max().orElse(0);
    boolean anyUp = false;
    for (JsonObject n : nodes) {
      if (n.containsKey("appliedIndex")) {
        n.put("lag", commit - n.getLong("appliedIndex"));
      }
      anyUp |= !n.containsKey("error");
    }
    print(new JsonObject().put("nodes", new JsonArray(new ArrayList<>(nodes))), () -> {
      out.println(String.format("%-22s %-6s %-15s %-6s %-6s %-12s %-12s %-6s %s", "server", "id", "role", "term",
          "leader", "commit", "applied", "lag", "zxid"));
      for (JsonObject n : nodes) {
        if (n.containsKey("error")) {
          out.println(String.format("%-22s down: %s", n.getString("server"), n.getString("error")));
        } else {
          out.println(String.format("%-22s %-6s %-15s %-6s %-6s %-12s %-12s %-6s 0x%s", n.getString("server"),
              n.getValue("nodeId"), n.getString("role"), orDash(n, "term"), orDash(n, "leader"),
              orDash(n, "commitIndex"), orDash(n, "appliedIndex"), orDash(n, "lag"),
              Long.toHexString(n.getLong("zxid"))));
        }
      }
    });
    return anyUp;
  }

  /** Each server healthy or not, with reasons: reachable, a leader known, the log syncing, applying close to commit. */
  private boolean health() {
    List<JsonObject> nodes = probeAll();
    boolean allHealthy = true;
    List<JsonObject> verdicts = new ArrayList<>();
    for (JsonObject n : nodes) {
      List<String> reasons = new ArrayList<>();
      if (n.containsKey("error")) {
        reasons.add("unreachable: " + n.getString("error"));
      } else {
        String role = n.getString("role");
        if (!role.equals("standalone") && !role.equals("leader") && !role.equals("follower")) {
          reasons.add("role " + role);
        }
        if (!role.equals("standalone") && (n.getValue("leader") == null || n.getLong("leader") <= 0)) {
          reasons.add("no leader");
        }
        if (Boolean.TRUE.equals(n.getBoolean("logSyncFailing"))) {
          reasons.add("log sync failing");
        }
        if (n.containsKey("commitIndex") && n.getLong("commitIndex") - n.getLong("appliedIndex") > HEALTHY_APPLY_LAG) {
          reasons.add("applied " + (n.getLong("commitIndex") - n.getLong("appliedIndex")) + " entries behind commit");
        }
      }
      allHealthy &= reasons.isEmpty();
      verdicts.add(new JsonObject().put("server", n.getString("server")).put("healthy", reasons.isEmpty())
          .put("reasons", new JsonArray(reasons)));
    }
    print(new JsonObject().put("healthy", allHealthy).put("nodes", new JsonArray(verdicts)), () -> verdicts.forEach(v ->
        out.println(v.getString("server") + " " + (v.getBoolean("healthy") ? "healthy"
            : "unhealthy: " + String.join(", ", v.getJsonArray("reasons").getList())))));
    return allHealthy;
  }

  private List<JsonObject> probeAll() {
    List<JsonObject> nodes = new ArrayList<>();
    for (String server : connection.servers()) {
      try {
        nodes.add(connection.requestAt(server, new JsonObject().put("op", "info")).copy().put("server", server));
      } catch (BatonException e) {
        nodes.add(new JsonObject().put("server", server).put("error", BatonCli.message(e)));
      }
    }
    return nodes;
  }

  private static String orDash(JsonObject n, String key) {
    Object v = n.getValue(key);
    return v == null ? "-" : String.valueOf(v);
  }

  /** {@code scheme:id:perms}, as zkCli writes an ACL entry. */
  private static String aclEntry(Acl a) {
    return a.id().scheme() + ":" + a.id().id() + ":" + Perms.format(a.perms());
  }

  /** Parses {@code scheme:id:perms} (the id may hold colons: {@code digest:alice:hash:cdrwa}). */
  private static Acl aclEntry(String entry) {
    int first = entry.indexOf(':');
    int last = entry.lastIndexOf(':');
    if (first <= 0 || last == first) {
      throw new BatonException(ErrorCode.INVALID_ACL, "an ACL entry is scheme:id:perms, e.g. world:anyone:r or"
          + " digest:alice:<hash>:cdrwa, got '" + entry + "'");
    }
    return new Acl(Perms.parse(entry.substring(last + 1)),
        new Identity(entry.substring(0, first), entry.substring(first + 1, last)));
  }

  private void printStat(Stat s) {
    out.println("cZxid = 0x" + Long.toHexString(s.czxid()));
    out.println("ctime = " + Instant.ofEpochMilli(s.ctime()));
    out.println("mZxid = 0x" + Long.toHexString(s.mzxid()));
    out.println("mtime = " + Instant.ofEpochMilli(s.mtime()));
    out.println("pZxid = 0x" + Long.toHexString(s.pzxid()));
    out.println("cversion = " + s.cversion());
    out.println("dataVersion = " + s.version());
    out.println("aclVersion = " + s.aversion());
    out.println("ephemeralOwner = " + Protocol.hex(s.ephemeralOwner()));
    out.println("dataLength = " + s.dataLength());
    out.println("numChildren = " + s.numChildren());
  }
}
