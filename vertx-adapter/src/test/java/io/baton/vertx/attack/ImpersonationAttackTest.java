package io.baton.vertx.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.auth.DigestCredentials;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client trying to act as another, against a node in a child JVM: naming a victim's session
 * (learnt from its ephemeral's owner) without its secret, with a wrong one or with the attacker's own,
 * for writes, close, watches, streams, recipe operations and notifications; and breaking a lock or
 * an election by writing the recipe tree directly. Each is refused, nothing is written, and the
 * victim keeps its session, ephemerals, watches and lock. A super identity (ZooKeeper's
 * {@code superDigest}) may still repair the recipe tree.
 */
class ImpersonationAttackTest {
  private static final String SUPER = "super:s3cret";
  private static final int AUTH_FAILED = -115;
  private static final int NO_AUTH = -102;

  @TempDir
  static Path tmp;
  private static ServerProcess server;
  private static int port;

  @BeforeAll
  static void startNode() throws Exception {
    Path config = tmp.resolve("auth.json");
    Files.writeString(config, new JsonObject().put("superDigest", DigestCredentials.digest(SUPER)).encode());
    port = ServerProcess.freePort();
    server = new ServerProcess(tmp.resolve("data"), port, "--durability", "none", "--config", config.toString())
        .start();
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** A session opened on a raw connection: its id and secret. */
  private record Session(RawBridge connection, String id, String secret) {
    static Session open(RawBridge c) throws Exception {
      JsonObject opened = c.ok(op("openSession").put("timeoutMs", 30_000));
      assertThat(opened.getString("secret")).hasSize(32);
      return new Session(c, opened.getString("session"), opened.getString("secret"));
    }

    JsonObject in(JsonObject request) {
      return request.put("session", id).put("secret", secret);
    }

    JsonObject ok(JsonObject request) throws Exception {
      return connection.ok(in(request));
    }
  }

  @Test
  void aSessionIsUsedOnlyWithItsSecret() throws Exception {
    try (RawBridge v = RawBridge.connect(port); RawBridge a = RawBridge.connect(port)) {
      Session victim = Session.open(v);
      Session attacker = Session.open(a);
      victim.ok(op("create").put("path", "/v-eph").put("mode", "ephemeral"));
      victim.ok(op("create").put("path", "/watched").put("text", "0"));
      victim.ok(op("getData").put("path", "/watched").put("watch", true));
      v.frame(new JsonObject().put("type", "register").put("address", "baton.session." + victim.id())
          .put("headers", new JsonObject().put("secret", victim.secret())));
      // the victim's id is no secret: its ephemeral names it
      String victimId = a.ok(op("getData").put("path", "/v-eph")).getJsonObject("stat").getString("ephemeralOwner");
      assertThat(victimId).isEqualTo(victim.id());

      List<JsonObject> attempts = List.of(
          op("create").put("path", "/stolen").put("mode", "ephemeral"),
          op("closeSession"),
          op("heartbeat"),
          op("removeWatches").put("path", "/watched"),
          op("openStream").put("fromZxid", 0),
          op("getEphemerals"),
          op("lock.acquire").put("name", "m").put("timeoutMs", 100),
          op("auth").put("scheme", "digest").put("credentials", "mallory:x"));
      for (String secret : new String[] {null, "00".repeat(16), attacker.secret(), "nothex"}) {
        for (JsonObject attempt : attempts) {
          JsonObject request = attempt.copy().put("session", victimId);
          if (secret != null) {
            request.put("secret", secret);
          }
          JsonObject answer = a.call(request);
          assertThat(answer.getString("type")).as("%s with secret %s", attempt, secret).isEqualTo("err");
          assertThat(answer.getInteger("failureCode")).as("%s", attempt).isEqualTo(AUTH_FAILED);
        }
      }
      // nor may the attacker receive the victim's notifications
      a.frame(new JsonObject().put("type", "register").put("address", "baton.session." + victimId));
      assertThat(a.read(Duration.ofSeconds(10)).getString("message")).startsWith("access_denied");
      a.frame(new JsonObject().put("type", "register").put("address", "baton.session." + victimId)
          .put("headers", new JsonObject().put("secret", attacker.secret())));
      assertThat(a.read(Duration.ofSeconds(10)).getString("message")).startsWith("access_denied");

      // the victim kept everything: session, ephemeral, watch (which fires for it alone)
      victim.ok(op("heartbeat"));
      assertThat(a.ok(op("exists").put("path", "/stolen")).getValue("stat")).isNull();
      assertThat(a.ok(op("exists").put("path", "/v-eph")).getValue("stat")).isNotNull();
      attacker.ok(op("setData").put("path", "/watched").put("text", "1"));
      JsonObject fired = v.read(Duration.ofSeconds(10));
      assertThat(fired.getString("address")).isEqualTo("baton.session." + victim.id());
      assertThat(fired.getJsonObject("body").getString("path")).isEqualTo("/watched");
    }
  }

  @Test
  void theRecipeTreeIsWrittenOnlyByTheRecipes() throws Exception {
    try (RawBridge v = RawBridge.connect(port); RawBridge a = RawBridge.connect(port)) {
      Session victim = Session.open(v);
      Session attacker = Session.open(a);
      String held = victim.ok(op("lock.acquire").put("name", "ledger").put("timeoutMs", 5_000)).getString("path");
      victim.ok(op("election.join").put("name", "sched").put("candidate", "victim"));
      String candidate = a.ok(op("election.leader").put("name", "sched")).getJsonObject("leader").getString("path");

      List<JsonObject> forgeries = List.of(
          op("delete").put("path", held),
          op("setData").put("path", "/baton/locks/ledger").put("text", "{\"granted\":[{\"id\":\"mallory\"}]}"),
          op("create").put("path", "/baton/locks/ledger/lock-0000000000").put("mode", "ephemeral"),
          op("delete").put("path", candidate),
          op("create").put("path", "/baton/new").put("createParents", true),
          op("multi").put("ops", new JsonArray().add(op("check").put("path", "/")).add(op("delete").put("path", held))));
      for (JsonObject forgery : forgeries) {
        for (JsonObject request : new JsonObject[] {attacker.in(forgery.copy()), forgery.copy()}) {
          JsonObject answer = a.call(request);
          assertThat(answer.getString("type")).as("%s", request).isEqualTo("err");
          assertThat(answer.getInteger("failureCode")).as("%s", request).isEqualTo(NO_AUTH);
          assertThat(answer.getString("message")).as("%s", request).contains("recipe tree");
        }
      }
      // a wrong super password proves nothing
      JsonObject wrong = a.call(attacker.in(op("auth").put("scheme", "digest").put("credentials", "super:guess")));
      assertThat(wrong.getString("type")).isEqualTo("message");
      assertThat(a.call(attacker.in(op("delete").put("path", held))).getInteger("failureCode")).isEqualTo(NO_AUTH);

      // the victim still holds the lock and leads: the attacker waits in vain
      JsonObject waited = a.call(attacker.in(op("lock.acquire").put("name", "ledger").put("timeoutMs", 300)));
      assertThat(waited.getInteger("failureCode")).isEqualTo(-7);
      JsonObject leader = a.ok(op("election.leader").put("name", "sched")).getJsonObject("leader");
      assertThat(leader.getString("id")).isEqualTo("victim");
      assertThat(victim.ok(op("lock.holders").put("name", "ledger")).getJsonArray("holders")).hasSize(1);
      victim.ok(op("lock.release").put("name", "ledger"));

      // a super identity may repair the recipe tree
      try (RawBridge admin = RawBridge.connect(port)) {
        Session root = Session.open(admin);
        assertThat(root.ok(op("auth").put("scheme", "digest").put("credentials", SUPER)).getString("identity"))
            .isEqualTo("digest:" + DigestCredentials.digest(SUPER));
        root.ok(op("delete").put("path", candidate));
        assertThat(a.ok(op("election.leader").put("name", "sched")).getValue("leader")).isNull();
      }
    }
  }

  @Test
  void recipeNodesCarryTheirOwnersIdentity() throws Exception {
    try (RawBridge c = RawBridge.connect(port)) {
      Session owner = Session.open(c);
      owner.ok(op("auth").put("scheme", "digest").put("credentials", "alice:pw"));
      String held = owner.ok(op("lock.acquire").put("name", "owned").put("timeoutMs", 5_000)).getString("path");
      owner.ok(op("group.join").put("name", "workers").put("member", "w1"));
      JsonArray lockAcl = owner.ok(op("getACL").put("path", held)).getJsonArray("acl");
      assertThat(lockAcl.stream().map(Object::toString)).containsExactly(
          new JsonObject().put("perms", "cdrwa").put("scheme", "digest").put("id", DigestCredentials.digest("alice:pw"))
              .encode(),
          new JsonObject().put("perms", "r").put("scheme", "world").put("id", "anyone").encode());
      // others, without ADMIN, see the digest masked, as in ZooKeeper
      assertThat(c.ok(op("getACL").put("path", held)).getJsonArray("acl").getJsonObject(0).getString("id"))
          .isEqualTo("alice:x");
      // the member carries it too, its shared group directory does not
      assertThat(owner.ok(op("getACL").put("path", "/baton/groups/workers/members/w1")).getJsonArray("acl"))
          .isEqualTo(lockAcl);
      assertThat(c.ok(op("getACL").put("path", "/baton/groups/workers/members")).getJsonArray("acl").getJsonObject(0)
          .getString("scheme")).isEqualTo("world");
      owner.ok(op("lock.release").put("name", "owned"));
    }
  }

  @Test
  void onlyASuperIdentitySetsQuotasAndTheyBoundEveryone() throws Exception {
    int quotaExceeded = -125;
    try (RawBridge t = RawBridge.connect(port); RawBridge admin = RawBridge.connect(port)) {
      Session tenant = Session.open(t);
      JsonObject setQuota = op("create").put("path", "/zookeeper/quota/tenant/zookeeper_limits")
          .put("text", "countHardLimit=3").put("createParents", true);
      JsonObject refused = t.call(tenant.in(setQuota.copy()));
      assertThat(refused.getInteger("failureCode")).isEqualTo(NO_AUTH);
      Session root = Session.open(admin);
      root.ok(op("auth").put("scheme", "digest").put("credentials", SUPER));
      root.ok(setQuota);
      tenant.ok(op("create").put("path", "/tenant"));
      tenant.ok(op("create").put("path", "/tenant/a"));
      tenant.ok(op("create").put("path", "/tenant/b"));
      JsonObject over = t.call(tenant.in(op("create").put("path", "/tenant/c")));
      assertThat(over.getInteger("failureCode")).isEqualTo(quotaExceeded);
      assertThat(over.getString("message")).contains("quota of /tenant exceeded");
      assertThat(t.call(tenant.in(op("delete").put("path", "/zookeeper/quota/tenant/zookeeper_limits")))
          .getInteger("failureCode")).isEqualTo(NO_AUTH);
      assertThat(t.ok(op("exists").put("path", "/tenant/c")).getValue("stat")).isNull();
    }
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }
}
