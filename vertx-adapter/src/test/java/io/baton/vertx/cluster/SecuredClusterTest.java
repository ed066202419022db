package io.baton.vertx.cluster;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.DigestCredentials;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes with {@code enforceAuth} and a super user: identities travel with writes a
 * follower forwards (the leader checks ACLs with them), reads are checked where they are served,
 * session secrets hold on every member, and a client that fails over authenticates again and keeps
 * its session.
 */
class SecuredClusterTest {
  private static final Acl CREATOR_ALL = new Acl(Perms.ALL, new Identity("auth", ""));

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;
  private Vertx vertx;
  private ClusterProcesses cluster;
  private final List<CoordinationClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    cluster = new ClusterProcesses(vertx, tmp, 3, "group", ClusterProcessTest.FAST_RAFT, ClusterProcesses.direct(),
        new JsonObject().put("enforceAuth", true).put("superDigest", DigestCredentials.digest("super:root-pw")))
        .startAll();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (CoordinationClient c : clients) {
      c.close();
    }
    cluster.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A client that reaches {@code first} first and may fail over to the others. */
  private CoordinationClient client(int first, String userPassword) throws Exception {
    List<String> addresses = new ArrayList<>();
    addresses.add("127.0.0.1:" + cluster.clientPort(first));
    for (int id : cluster.ids()) {
      if (id != first) {
        addresses.add("127.0.0.1:" + cluster.clientPort(id));
      }
    }
    CoordinationClient c = await(CoordinationClient.connectBridge(vertx, addresses,
        ClientOptions.defaults().withSessionTimeout(20_000)));
    clients.add(c);
    if (userPassword != null) {
      await(c.addAuth("digest", userPassword));
    }
    return c;
  }

  private static ErrorCode code(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return ErrorCode.OK;
    } catch (ExecutionException e) {
      return e.getCause() instanceof BatonException b ? b.code() : ErrorCode.SYSTEM_ERROR;
    }
  }

  @Test
  void aclsAndIdentitiesHoldAcrossTheClusterAndAFailover() throws Exception {
    int leader = cluster.awaitLeader(cluster.ids(), 30_000);
    List<Integer> followers = new ArrayList<>(cluster.ids());
    followers.remove(Integer.valueOf(leader));
    int f1 = followers.get(0);
    int f2 = followers.get(1);

    CoordinationClient anonymous = client(f2, null);
    assertThat(code(anonymous.getData("/", false))).isEqualTo(ErrorCode.SESSION_CLOSED_REQUIRE_AUTH);

    // alice writes through a follower: the leader resolves `auth` to her identity, forwarded with the write
    CoordinationClient alice = client(f1, "alice:a-pw");
    await(alice.create("/secured", "v0".getBytes(), List.of(CREATOR_ALL), CreateMode.PERSISTENT));
    await(alice.create("/secured/lease", new byte[0], List.of(CREATOR_ALL), CreateMode.EPHEMERAL));
    assertThat(await(alice.getACL("/secured")).acl())
        .containsExactly(new Acl(Perms.ALL, DigestCredentials.identity("alice:a-pw")));

    // bob, on the other follower: refused by the leader (write) and by his node (read)
    CoordinationClient bob = client(f2, "bob:b-pw");
    await(bob.sync("/"));
    assertThat(code(bob.setData("/secured", "evil".getBytes(), -1))).isEqualTo(ErrorCode.NO_AUTH);
    assertThat(code(bob.create("/secured/x", new byte[0], CreateMode.PERSISTENT))).isEqualTo(ErrorCode.NO_AUTH);
    assertThat(code(bob.getData("/secured", false))).isEqualTo(ErrorCode.NO_AUTH);
    assertThat(code(bob.request(new JsonObject().put("op", "snapshot")))).isEqualTo(ErrorCode.NO_AUTH);

    // alice's node dies: her client moves, authenticates again, keeps its session and its rights
    cluster.server(f1).kill9();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> code(alice.setData("/secured", "v1".getBytes(), -1)) == ErrorCode.OK); // ConnectionLoss until moved
    assertThat(await(alice.exists("/secured/lease", false)).ephemeralOwner()).isEqualTo(alice.sessionId());
    assertThat(await(alice.getData("/secured", false)).data()).isEqualTo("v1".getBytes());

    CoordinationClient root = client(f2, "super:root-pw");
    assertThat(await(root.getData("/secured", false)).data()).isEqualTo("v1".getBytes());
    assertThat(await(root.request(new JsonObject().put("op", "digest"))).getString("digest")).isNotEmpty();
  }
}
