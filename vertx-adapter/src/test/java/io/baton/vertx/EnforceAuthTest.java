package io.baton.vertx;

import static io.baton.vertx.TestSupport.await;
import static io.baton.vertx.TestSupport.batonFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.auth.DigestCredentials;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with {@code enforceAuth}: an anonymous client may open a session, heartbeat and authenticate,
 * nothing else; an authenticated one works as usual; admin operations need a super identity (by
 * {@code superDigest} or {@code superUsers}).
 */
class EnforceAuthTest {
  @TempDir
  Path dataDir;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    TestSupport.deploy(vertx, TestSupport.config(dataDir, "none").put("enforceAuth", true)
        .put("superDigest", DigestCredentials.digest("super:root-pw"))
        .put("superUsers", new JsonArray().add("digest:" + DigestCredentials.digest("ops:ops-pw"))));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private CoordinationClient client() throws Exception {
    return await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
  }

  @Test
  void anAnonymousClientMayOnlyAuthenticate() throws Exception {
    CoordinationClient c = client(); // opening a session and heartbeating need no identity, nor does info
    assertThat(await(c.request(new JsonObject().put("op", "info"))).getString("role")).isEqualTo("standalone");
    for (var attempt : java.util.List.<java.util.function.Supplier<io.vertx.core.Future<?>>>of(
        () -> c.getData("/", false),
        () -> c.create("/x", new byte[0], CreateMode.PERSISTENT),
        () -> c.getChildren("/", false),
        () -> c.request(new JsonObject().put("op", "getEphemerals")),
        () -> Recipes.of(c).mutex("m").acquire(Duration.ofSeconds(1)))) {
      assertThat(batonFailure(attempt.get(), ErrorCode.SESSION_CLOSED_REQUIRE_AUTH).getMessage())
          .contains("enforceAuth");
    }
    batonFailure(c.addAuth("digest", "no-colon"), ErrorCode.AUTH_FAILED);
    await(c.addAuth("digest", "alice:alice-pw"));
    await(c.create("/x", "hi".getBytes(), CreateMode.PERSISTENT));
    assertThat(await(c.getData("/x", false)).data()).isEqualTo("hi".getBytes());
    await(Recipes.of(c).mutex("m").acquire(Duration.ofSeconds(1)));
    // but not an admin
    batonFailure(c.request(new JsonObject().put("op", "snapshot")), ErrorCode.NO_AUTH);
    batonFailure(c.request(new JsonObject().put("op", "digest")), ErrorCode.NO_AUTH);
    batonFailure(c.delete("/baton/locks/m", -1), ErrorCode.NO_AUTH);
  }

  @Test
  void superIdentitiesMayRunAdminOperations() throws Exception {
    CoordinationClient root = client();
    await(root.addAuth("digest", "super:root-pw"));
    assertThat(await(root.request(new JsonObject().put("op", "snapshot"))).getLong("zxid")).isNotNull();
    CoordinationClient ops = client();
    await(ops.addAuth("digest", "ops:ops-pw"));
    assertThat(await(ops.request(new JsonObject().put("op", "digest"))).getString("digest")).isNotEmpty();
    // a wrong super password proves another identity, which is not super
    CoordinationClient guess = client();
    await(guess.addAuth("digest", "super:guess"));
    batonFailure(guess.request(new JsonObject().put("op", "digest")), ErrorCode.NO_AUTH);
  }
}
