package io.baton.vertx.recipes;

import static io.baton.vertx.recipes.RecipeSupport.await;
import static io.baton.vertx.recipes.RecipeSupport.batonFailure;
import static io.baton.vertx.recipes.RecipeSupport.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.ErrorCode;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Election;
import io.baton.vertx.client.recipes.LockGrant;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader election: one leader in join order, hand-over on resignation and on session expiry. */
class ElectionRecipeTest {
  @TempDir
  Path dataDir;
  private Vertx vertx;
  private CoordinationClient c1;
  private CoordinationClient c2;
  private CoordinationClient c3;
  private CoordinationClient observer;
  private final List<JsonObject> observed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RecipeSupport.deploy(vertx, dataDir);
    c1 = RecipeSupport.client(vertx);
    c2 = RecipeSupport.client(vertx);
    c3 = RecipeSupport.client(vertx);
    observer = RecipeSupport.client(vertx);
    await(Recipes.of(observer).election("e").observe(observed::add));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static Election election(CoordinationClient c) {
    return Recipes.of(c).election("e");
  }

  private List<JsonObject> observed(String event) {
    return observed.stream().filter(e -> event.equals(e.getString("event"))).toList();
  }

  @Test
  void firstCandidateLeadsAndLeadershipPassesOnResignation() throws Exception {
    Election.Candidacy a = await(election(c1).join("a", new JsonObject().put("addr", "host-a:1")));
    Election.Candidacy b = await(election(c2).join("b", null));
    Election.Candidacy c = await(election(c3).join("c", null));
    LockGrant termA = await(a.leadership());
    Thread.sleep(150);
    assertThat(b.leadership().isComplete()).isFalse();
    assertThat(c.leadership().isComplete()).isFalse();
    assertThat(termA.path()).isEqualTo(a.path());

    JsonObject state = await(election(observer).leader());
    assertThat(state.getJsonObject("leader").getString("id")).isEqualTo("a");
    assertThat(state.getJsonObject("leader").getString("session")).isEqualTo(Protocol.hex(c1.sessionId()));
    assertThat(state.getJsonObject("leader").getLong("token")).isEqualTo(termA.token());
    JsonArray candidates = state.getJsonArray("candidates");
    assertThat(candidates.stream().map(o -> ((JsonObject) o).getString("id")).toList()).containsExactly("a", "b", "c");
    assertThat(candidates.stream().map(o -> ((JsonObject) o).getString("path")).toList())
        .containsExactly(a.path(), b.path(), c.path());

    await().atMost(Duration.ofSeconds(3)).until(() -> !observed("LeaderElected").isEmpty());
    JsonObject elected = observed("LeaderElected").get(0);
    assertThat(elected.getString("type")).isEqualTo("recipe");
    assertThat(elected.getString("id")).isEqualTo("a");
    assertThat(elected.getLong("token")).isEqualTo(termA.token());
    assertThat(observed("LeaderElected")).hasSize(1); // b and c joining did not change the leader

    await(a.resign());
    LockGrant termB = await(b.leadership());
    assertThat(termB.token()).isGreaterThan(termA.token());
    assertThat(termB.path()).isEqualTo(b.path());
    pending(c.leadership(), 150);
    await().atMost(Duration.ofSeconds(3)).until(() -> observed("LeaderElected").size() == 2);
    assertThat(observed("LeaderElected").get(1).getString("id")).isEqualTo("b");
    assertThat(observed("LeaderLost")).extracting(e -> e.getString("path")).containsExactly(a.path());
    assertThat(await(election(observer).leader()).getJsonObject("leader").getString("id")).isEqualTo("b");

    // resigning twice fails
    batonFailure(a.resign(), ErrorCode.NOT_HOLDER);
    await(b.resign());
    assertThat(await(c.leadership()).token()).isGreaterThan(termB.token());
    await(c.resign());
    JsonObject empty = await(election(observer).leader());
    assertThat(empty.getValue("leader")).isNull();
    assertThat(empty.getJsonArray("candidates")).isEmpty();
    await().atMost(Duration.ofSeconds(3)).until(() -> observed("LeaderLost").size() == 3);
  }

  @Test
  void candidateThatIsNotLeadingCanLeave() throws Exception {
    Election.Candidacy a = await(election(c1).join("a", null));
    Election.Candidacy b = await(election(c2).join("b", null));
    Election.Candidacy c = await(election(c3).join("c", null));
    await(b.resign());
    JsonObject state = await(election(observer).leader());
    assertThat(state.getJsonObject("leader").getString("id")).isEqualTo("a");
    assertThat(state.getJsonArray("candidates").stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .containsExactly("a", "c");
    await(a.resign());
    assertThat(await(c.leadership()).path()).isEqualTo(c.path());
    assertThat(b.leadership().isComplete()).isFalse();
  }

  @Test
  void candidatesOfOneSessionAreDistinct() throws Exception {
    Election.Candidacy a = await(election(c1).join("a", null));
    Election.Candidacy b = await(election(c1).join("b", null));
    batonFailure(election(c1).join("a", null), ErrorCode.NODE_EXISTS);
    await(b.resign()); // b, not the session's leading candidate a
    JsonObject state = await(election(observer).leader());
    assertThat(state.getJsonObject("leader").getString("id")).isEqualTo("a");
    assertThat(state.getJsonArray("candidates")).hasSize(1);
    await(a.leadership());
  }

  @Test
  void leaderWhoseSessionExpiresIsReplaced() throws Exception {
    RecipeSupport.Doomed doomed = RecipeSupport.doomed(vertx);
    Election.Candidacy d = await(election(doomed.client()).join("doomed", null));
    LockGrant first = await(d.leadership());
    Election.Candidacy b = await(election(c2).join("b", null));
    pending(b.leadership(), 300);

    long t0 = System.nanoTime();
    doomed.cut();
    LockGrant next = await(b.leadership(), 5_000);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(ms).as("leader after %d ms", ms).isLessThan(RecipeSupport.SESSION_TIMEOUT_MS + 1_500L);
    assertThat(next.token()).isGreaterThan(first.token());
    await().atMost(Duration.ofSeconds(3)).until(() -> observed("LeaderElected").size() == 2);
    assertThat(observed("LeaderElected")).extracting(e -> e.getString("id")).containsExactly("doomed", "b");
    assertThat(observed("LeaderLost")).extracting(e -> e.getString("path")).containsExactly(d.path());
    JsonObject state = await(election(observer).leader());
    assertThat(state.getJsonObject("leader").getString("id")).isEqualTo("b");
    assertThat(state.getJsonArray("candidates")).hasSize(1);
  }

  @Test
  void badRequests() throws Exception {
    batonFailure(election(c1).join("a/b", null), ErrorCode.BAD_ARGUMENTS);
    batonFailure(Recipes.of(c1).election("x/y").join("a", null), ErrorCode.BAD_ARGUMENTS);
    batonFailure(c1.request(new JsonObject().put("op", "recipe.subscribe").put("recipe", "elections")
        .put("name", "e")), ErrorCode.BAD_ARGUMENTS);
    batonFailure(election(c1).join("never", null).compose(c -> election(c2).join("x", null))
        .compose(c -> c2.request(new JsonObject().put("op", "election.resign").put("name", "e")
            .put("candidate", "never"))), ErrorCode.NOT_HOLDER); // someone else's candidate
    assertThat(await(election(observer).leader()).getJsonArray("candidates")).hasSize(2);
  }
}
