package io.baton.vertx.admin;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.DigestCredentials;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may read through the admin face: with {@code enforceAuth} the API and the metrics need a super
 * identity (HTTP Basic digest credentials checked by core), health stays open; tree reads are
 * checked against the node's ACL as the caller.
 */
class AdminAccessTest {
  private static final String SUPER = "super:secret-pw";
  @TempDir
  Path dir;
  private Vertx vertx;
  private int admin;
  private int bridge;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  private void startNode(boolean enforceAuth) throws Exception {
    admin = ServerProcess.freePort();
    bridge = ServerProcess.freePort();
    await(Main.start(vertx, new JsonObject().put("dataDir", dir.resolve("data").toString())
        .put("bridgePort", bridge).put("adminPort", admin).put("enforceAuth", enforceAuth)
        .put("superUsers", new JsonArray().add("digest:" + DigestCredentials.digest(SUPER)))));
    await().atMost(Duration.ofSeconds(10)).until(() -> AdminHttp.get(admin, "/livez").status() == 200);
  }

  @Test
  void enforceAuthNeedsASuperIdentity() throws Exception {
    startNode(true);
    assertThat(AdminHttp.get(admin, "/api/status").status()).isEqualTo(401);
    assertThat(AdminHttp.get(admin, "/metrics").status()).isEqualTo(401);
    assertThat(AdminHttp.get(admin, "/api/status", "super:wrong").status()).isEqualTo(403);
    assertThat(AdminHttp.get(admin, "/api/status", "no-colon").status()).isEqualTo(401);
    AdminHttp.Response ok = AdminHttp.get(admin, "/api/status", SUPER);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getBoolean("enforceAuth")).isTrue();
    assertThat(AdminHttp.get(admin, "/metrics", SUPER).body()).contains("baton_znodes");
    assertThat(AdminHttp.get(admin, "/api/tree?path=/", SUPER).status()).isEqualTo(200);
    assertThat(AdminHttp.get(admin, "/readyz").status()).isEqualTo(200);
    assertThat(AdminHttp.get(admin, "/health").status()).isEqualTo(200);
    assertThat(AdminHttp.get(admin, "/").status()).isEqualTo(200);
  }

  @Test
  void sessionsShowWhereTheirClientsConnectedFrom() throws Exception {
    startNode(false);
    CoordinationClient remote = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", bridge,
        ClientOptions.defaults()));
    CoordinationClient local = await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
    JsonArray sessions = new JsonObject(AdminHttp.get(admin, "/api/sessions?limit=10").body()).getJsonArray("sessions");
    assertThat(sessions.stream().map(o -> ((JsonObject) o).getString("clientAddress")))
        .containsExactlyInAnyOrder("127.0.0.1", null);
    assertThat(sessions.stream().map(o -> ((JsonObject) o).getString("id")))
        .contains(io.baton.vertx.api.Protocol.hex(remote.sessionId()), io.baton.vertx.api.Protocol.hex(local.sessionId()));
  }

  @Test
  void treeReadsFollowTheAcl() throws Exception {
    startNode(false);
    CoordinationClient client = await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
    await(client.addAuth("digest", "alice:alice-pw"));
    await(client.create("/private", "secret".getBytes(StandardCharsets.UTF_8),
        List.of(new Acl(Perms.ALL, DigestCredentials.identity("alice:alice-pw"))), CreateMode.PERSISTENT));
    assertThat(AdminHttp.get(admin, "/api/node?path=/private").status()).isEqualTo(403);
    assertThat(AdminHttp.get(admin, "/api/tree?path=/private").status()).isEqualTo(403);
    assertThat(AdminHttp.get(admin, "/api/node?path=/private", "bob:bob-pw").status()).isEqualTo(403);
    AdminHttp.Response alice = AdminHttp.get(admin, "/api/node?path=/private", "alice:alice-pw");
    assertThat(alice.status()).isEqualTo(200);
    assertThat(new JsonObject(alice.body()).getString("data")).isEqualTo("c2VjcmV0");
    assertThat(AdminHttp.get(admin, "/api/node?path=/private", SUPER).status()).isEqualTo(200);
    assertThat(AdminHttp.get(admin, "/api/status").status()).isEqualTo(200);
    await(client.close());
  }
}
