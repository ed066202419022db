package io.baton.vertx;

import static io.baton.vertx.TestSupport.await;
import static io.baton.vertx.TestSupport.batonFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.DigestCredentials;
import io.baton.core.auth.Identity;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Op;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper's ACLs through the client: who may read, write, create, delete and change the ACL of a
 * node, {@code auth} standing for the creator's identities, InvalidACL, aversion, super users, and
 * ACLs kept across a restart (log replay and snapshot).
 */
class AclEnforcementTest {
  private static final Acl CREATOR_ALL = new Acl(Perms.ALL, new Identity("auth", ""));
  private static final Acl ANYONE_READS = new Acl(Perms.READ, new Identity("world", "anyone"));

  @TempDir
  Path dataDir;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    deploy();
  }

  private void deploy() throws Exception {
    TestSupport.deploy(vertx, TestSupport.config(dataDir, "none")
        .put("superDigest", DigestCredentials.digest("super:root-pw")));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private CoordinationClient client(String userPassword) throws Exception {
    CoordinationClient c = await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
    if (userPassword != null) {
      await(c.addAuth("digest", userPassword));
    }
    return c;
  }

  @Test
  void theAclDecidesWhoDoesWhat() throws Exception {
    CoordinationClient alice = client("alice:a-pw");
    CoordinationClient bob = client("bob:b-pw");
    CoordinationClient anonymous = client(null);
    await(alice.create("/app", "v1".getBytes(), List.of(CREATOR_ALL, ANYONE_READS), CreateMode.PERSISTENT));
    var acl = await(anonymous.getACL("/app"));
    assertThat(acl.acl()).as("without ADMIN a digest's hash is masked, as ZooKeeper does")
        .containsExactly(new Acl(Perms.ALL, new io.baton.core.auth.Identity("digest", "alice:x")), ANYONE_READS);
    assertThat(await(alice.getACL("/app")).acl())
        .containsExactly(new Acl(Perms.ALL, DigestCredentials.identity("alice:a-pw")), ANYONE_READS);
    assertThat(acl.stat().aversion()).isZero();

    // everyone reads; only alice writes, creates under it, deletes from it, changes its ACL
    assertThat(await(bob.getData("/app", false)).data()).isEqualTo("v1".getBytes());
    assertThat(await(anonymous.getChildren("/app", false)).names()).isEmpty();
    batonFailure(bob.setData("/app", "evil".getBytes(), -1), ErrorCode.NO_AUTH);
    batonFailure(anonymous.create("/app/child", new byte[0], CreateMode.PERSISTENT), ErrorCode.NO_AUTH);
    batonFailure(bob.multi(List.of(new Op.Check("/", -1), new Op.SetData("/app", new byte[0], -1))), ErrorCode.NO_AUTH);
    batonFailure(bob.setACL("/app", List.of(Acl.OPEN), -1), ErrorCode.NO_AUTH);
    await(alice.setData("/app", "v2".getBytes(), -1));
    await(alice.create("/app/child", new byte[0], CreateMode.PERSISTENT));
    batonFailure(bob.delete("/app/child", -1), ErrorCode.NO_AUTH);
    await(alice.delete("/app/child", -1));

    // a private node: not even readable
    await(alice.create("/app/secret", "s".getBytes(), List.of(CREATOR_ALL), CreateMode.PERSISTENT));
    batonFailure(bob.getData("/app/secret", false), ErrorCode.NO_AUTH);
    batonFailure(bob.getACL("/app/secret"), ErrorCode.NO_AUTH);
    batonFailure(bob.exists("/app/secret", false), ErrorCode.NO_AUTH); // an existing node: READ, as ZooKeeper 3.9
    // a watch is set as in ZooKeeper, but its events go only to who may read the node
    List<String> bobSees = new java.util.concurrent.CopyOnWriteArrayList<>();
    bob.watchHandler(e -> bobSees.add(e.type() + " " + e.path()));
    await(bob.addWatch("/app/secret", io.baton.core.watch.AddWatchMode.PERSISTENT));
    await(bob.addWatch("/app", io.baton.core.watch.AddWatchMode.PERSISTENT));
    await(alice.setData("/app/secret", "s2".getBytes(), -1));
    await(alice.setData("/app", "v1b".getBytes(), -1));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> bobSees.contains("NodeDataChanged /app"));
    assertThat(bobSees).containsExactly("NodeDataChanged /app");

    // setACL with the ACL version; then bob may write
    batonFailure(alice.setACL("/app", List.of(CREATOR_ALL, new Acl(Perms.READ | Perms.WRITE,
        DigestCredentials.identity("bob:b-pw"))), 3), ErrorCode.BAD_VERSION);
    assertThat(await(alice.setACL("/app", List.of(CREATOR_ALL, new Acl(Perms.READ | Perms.WRITE,
        DigestCredentials.identity("bob:b-pw"))), 0)).aversion()).isEqualTo(1);
    await(bob.setData("/app", "by bob".getBytes(), -1));
    batonFailure(anonymous.getData("/app", false), ErrorCode.NO_AUTH);

    // a super user is not bound by ACLs
    CoordinationClient root = client("super:root-pw");
    assertThat(await(root.getData("/app/secret", false)).data()).isEqualTo("s2".getBytes());
    await(root.delete("/app/secret", -1));
  }

  @Test
  void aChangeStreamDeliversOnlyWhatItsReaderMayRead() throws Exception {
    CoordinationClient alice = client("alice:a-pw");
    CoordinationClient bob = client("bob:b-pw");
    await(alice.create("/private", "p0".getBytes(), List.of(CREATOR_ALL), CreateMode.PERSISTENT));
    await(alice.create("/private/inner", new byte[0], List.of(CREATOR_ALL), CreateMode.PERSISTENT));
    await(alice.create("/public", "o0".getBytes(), CreateMode.PERSISTENT));
    List<String> bobSees = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> aliceSees = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(bob.openChangeStream(0, e -> bobSees.add(e.kind() + " " + e.path())));
    await(alice.openChangeStream(0, e -> aliceSees.add(e.kind() + " " + e.path())));
    await(alice.setData("/private", "p1".getBytes(), -1));
    await(alice.delete("/private/inner", -1)); // gone: judged by its nearest ancestor's ACL
    await(alice.setData("/public", "o1".getBytes(), -1));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> aliceSees.contains("NODE_DATA_CHANGED /public") && bobSees.contains("NODE_DATA_CHANGED /public"));
    assertThat(aliceSees).contains("NODE_CREATED /private", "NODE_DATA_CHANGED /private", "NODE_DELETED /private/inner");
    assertThat(bobSees).contains("NODE_CREATED /public").noneMatch(e -> e.contains("/private"));
  }

  @Test
  void badAclsAreInvalid() throws Exception {
    CoordinationClient anonymous = client(null);
    batonFailure(anonymous.create("/x", new byte[0], List.of(CREATOR_ALL), CreateMode.PERSISTENT),
        ErrorCode.INVALID_ACL); // auth without an identity
    batonFailure(anonymous.create("/x", new byte[0], List.of(new Acl(Perms.ALL, new Identity("ip", "nowhere"))),
        CreateMode.PERSISTENT), ErrorCode.INVALID_ACL);
    for (JsonArray bad : List.of(new JsonArray(), new JsonArray().add("world:anyone"),
        new JsonArray().add(new JsonObject().put("perms", "rq").put("scheme", "world").put("id", "anyone")),
        new JsonArray().add(new JsonObject().put("perms", 99).put("scheme", "world").put("id", "anyone")),
        new JsonArray().add(new JsonObject().put("perms", "r").put("scheme", "magic").put("id", "x")))) {
      batonFailure(anonymous.request(new JsonObject().put("op", "create").put("path", "/x").put("acl", bad)),
          ErrorCode.INVALID_ACL);
    }
    assertThat(await(anonymous.exists("/x", false))).isNull();
  }

  @Test
  void aclsSurviveARestartFromTheLogAndFromASnapshot() throws Exception {
    CoordinationClient alice = client("alice:a-pw");
    await(alice.create("/kept", new byte[0], List.of(CREATOR_ALL), CreateMode.PERSISTENT));
    await(alice.create("/snapped", new byte[0], List.of(CREATOR_ALL, ANYONE_READS), CreateMode.PERSISTENT));
    await(alice.setACL("/snapped", List.of(CREATOR_ALL), 0));
    for (boolean snapshot : new boolean[] {false, true}) {
      if (snapshot) {
        await(client("super:root-pw").request(new JsonObject().put("op", "snapshot")));
      }
      await(vertx.close());
      vertx = Vertx.vertx();
      deploy();
      CoordinationClient bob = client("bob:b-pw");
      batonFailure(bob.getData("/kept", false), ErrorCode.NO_AUTH);
      batonFailure(bob.getACL("/snapped"), ErrorCode.NO_AUTH);
      var snapped = await(client("alice:a-pw").getACL("/snapped"));
      assertThat(snapped.acl()).as("after a restart %s a snapshot", snapshot ? "from" : "without")
          .containsExactly(new Acl(Perms.ALL, DigestCredentials.identity("alice:a-pw")));
      assertThat(snapped.stat().aversion()).isEqualTo(1);
    }
  }
}
