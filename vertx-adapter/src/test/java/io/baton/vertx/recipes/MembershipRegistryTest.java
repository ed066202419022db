package io.baton.vertx.recipes;

import static io.baton.vertx.recipes.RecipeSupport.await;
import static io.baton.vertx.recipes.RecipeSupport.batonFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.ErrorCode;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Group;
import io.baton.vertx.client.recipes.Recipes;
import io.baton.vertx.client.recipes.ServiceRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group membership and the service registry with its pick strategies. */
class MembershipRegistryTest {
  @TempDir
  Path dataDir;
  private Vertx vertx;
  private CoordinationClient a;
  private CoordinationClient b;
  private CoordinationClient c;
  private CoordinationClient watcher;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RecipeSupport.deploy(vertx, dataDir);
    a = RecipeSupport.client(vertx);
    b = RecipeSupport.client(vertx);
    c = RecipeSupport.client(vertx);
    watcher = RecipeSupport.client(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static List<String> ids(JsonArray rows) {
    return rows.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static List<JsonObject> events(List<JsonObject> all, String event) {
    return all.stream().filter(e -> event.equals(e.getString("event"))).toList();
  }

  @Test
  void groupMembersJoinLeaveAndExpire() throws Exception {
    List<JsonObject> feed = new CopyOnWriteArrayList<>();
    await(Recipes.of(watcher).group("workers").watch(feed::add));
    Group ga = Recipes.of(a).group("workers");
    await(ga.join("m1", new JsonObject().put("zone", "eu")));
    await(Recipes.of(b).group("workers").join("m2", null));
    RecipeSupport.Doomed doomed = RecipeSupport.doomed(vertx);
    await(Recipes.of(doomed.client()).group("workers").join("m3", null));
    await(Recipes.of(c).group("other").join("elsewhere", null));

    JsonArray members = await(Recipes.of(watcher).group("workers").members());
    assertThat(ids(members)).containsExactly("m1", "m2", "m3");
    JsonObject m1 = members.getJsonObject(0);
    assertThat(m1.getJsonObject("meta").getString("zone")).isEqualTo("eu");
    assertThat(m1.getString("session")).isEqualTo(Protocol.hex(a.sessionId()));
    batonFailure(ga.join("m1", null), ErrorCode.NODE_EXISTS);
    batonFailure(Recipes.of(b).group("workers").leave("m1"), ErrorCode.NOT_HOLDER); // not b's member
    batonFailure(ga.join("a/b", null), ErrorCode.BAD_ARGUMENTS);

    await().atMost(Duration.ofSeconds(3)).until(() -> events(feed, "MemberJoined").size() == 3);
    assertThat(events(feed, "MemberJoined")).extracting(e -> e.getString("id")).containsExactly("m1", "m2", "m3");
    assertThat(new JsonObject(events(feed, "MemberJoined").get(0).getString("meta")).getString("zone"))
        .isEqualTo("eu");

    await(ga.leave("m1"));
    await().atMost(Duration.ofSeconds(3)).until(() -> events(feed, "MemberLeft").size() == 1);
    assertThat(events(feed, "MemberLeft").get(0).getString("id")).isEqualTo("m1");
    assertThat(events(feed, "MemberLeft").get(0).getString("reason")).isEqualTo("left");
    batonFailure(ga.leave("m1"), ErrorCode.NOT_HOLDER);

    doomed.cut();
    await().atMost(Duration.ofSeconds(4)).until(() -> events(feed, "MemberLeft").size() == 2);
    JsonObject expired = events(feed, "MemberLeft").get(1);
    assertThat(expired.getString("id")).isEqualTo("m3");
    assertThat(expired.getString("reason")).isEqualTo("expired");

    await(b.close());
    await().atMost(Duration.ofSeconds(3)).until(() -> events(feed, "MemberLeft").size() == 3);
    assertThat(events(feed, "MemberLeft").get(2).getString("id")).isEqualTo("m2");
    assertThat(events(feed, "MemberLeft").get(2).getString("reason")).isEqualTo("session closed");
    assertThat(await(Recipes.of(watcher).group("workers").members())).isEmpty();
    assertThat(ids(await(Recipes.of(watcher).group("other").members()))).containsExactly("elsewhere");
    // events of another group did not reach this feed
    assertThat(feed).allSatisfy(e -> assertThat(e.getString("name")).isEqualTo("workers"));
    assertThat(feed).hasSize(6);
  }

  @Test
  void registryListsInstancesAndPicksLeastLoaded() throws Exception {
    List<JsonObject> feed = new CopyOnWriteArrayList<>();
    await(Recipes.of(watcher).registry("api").watch(feed::add));
    await(Recipes.of(a).registry("api").register("i-a", "10.0.0.1:80", 1));
    await(Recipes.of(b).registry("api").register("i-b", "10.0.0.2:80", 2));
    await(Recipes.of(c).registry("api").register("i-c", "10.0.0.3:80", 1));
    ServiceRegistry reg = Recipes.of(watcher).registry("api");
    JsonArray list = await(reg.list());
    assertThat(ids(list)).containsExactly("i-a", "i-b", "i-c");
    JsonObject ib = list.getJsonObject(1).getJsonObject("instance");
    assertThat(ib.getString("address")).isEqualTo("10.0.0.2:80");
    assertThat(ib.getDouble("weight")).isEqualTo(2.0);
    assertThat(ib.getDouble("load")).isEqualTo(0.0);

    await(Recipes.of(a).registry("api").reportLoad("i-a", 0.7));
    await(Recipes.of(b).registry("api").reportLoad("i-b", 0.2));
    await(Recipes.of(c).registry("api").reportLoad("i-c", 0.5));
    assertThat(await(reg.list()).getJsonObject(0).getJsonObject("instance").getDouble("load")).isEqualTo(0.7);
    for (int i = 0; i < 5; i++) {
      assertThat(await(reg.pick("least_loaded", null)).getString("id")).isEqualTo("i-b");
    }
    await(Recipes.of(b).registry("api").reportLoad("i-b", 0.9));
    JsonObject picked = await(reg.pick("least_loaded", null));
    assertThat(picked.getString("id")).isEqualTo("i-c");
    assertThat(picked.getJsonObject("instance").getString("address")).isEqualTo("10.0.0.3:80");
    batonFailure(Recipes.of(a).registry("api").reportLoad("i-b", 0.0), ErrorCode.NOT_HOLDER);

    await().atMost(Duration.ofSeconds(3)).until(() -> events(feed, "InstanceUp").size() == 3);
    assertThat(events(feed, "InstanceUp")).extracting(e -> e.getString("id")).containsExactly("i-a", "i-b", "i-c");
    assertThat(events(feed, "InstanceUpdated")).isNotEmpty();
    await(Recipes.of(a).registry("api").deregister("i-a"));
    await(c.close());
    await().atMost(Duration.ofSeconds(3)).until(() -> events(feed, "InstanceDown").size() == 2);
    assertThat(events(feed, "InstanceDown")).extracting(e -> e.getString("id")).containsExactly("i-a", "i-c");
    assertThat(events(feed, "InstanceDown")).extracting(e -> e.getString("reason"))
        .containsExactly("left", "session closed");
    assertThat(ids(await(reg.list()))).containsExactly("i-b");
    batonFailure(Recipes.of(a).registry("api").deregister("i-a"), ErrorCode.NOT_HOLDER);
  }

  @Test
  void instanceOfAnExpiredSessionGoesDown() throws Exception {
    List<JsonObject> feed = new CopyOnWriteArrayList<>();
    await(Recipes.of(watcher).registry("svc").watch(feed::add));
    RecipeSupport.Doomed doomed = RecipeSupport.doomed(vertx);
    await(Recipes.of(doomed.client()).registry("svc").register("gone", "h:1", 1));
    await(Recipes.of(a).registry("svc").register("stays", "h:2", 1));
    doomed.cut();
    await().atMost(Duration.ofSeconds(4)).until(() -> !events(feed, "InstanceDown").isEmpty());
    JsonObject down = events(feed, "InstanceDown").get(0);
    assertThat(down.getString("id")).isEqualTo("gone");
    assertThat(down.getString("reason")).isEqualTo("expired");
    for (int i = 0; i < 5; i++) {
      assertThat(await(Recipes.of(watcher).registry("svc").pick("round_robin", null)).getString("id"))
          .isEqualTo("stays");
    }
  }

  @Test
  void consistentHashIsStableAndMovesOnlyTheKeysOfALeavingInstance() throws Exception {
    CoordinationClient[] owners = {a, b, c};
    String[] ids = {"i-a", "i-b", "i-c"};
    for (int i = 0; i < 3; i++) {
      await(Recipes.of(owners[i]).registry("kv").register(ids[i], "h:" + i, 1));
    }
    ServiceRegistry reg = Recipes.of(watcher).registry("kv");
    Map<String, String> before = new HashMap<>();
    for (int k = 0; k < 60; k++) {
      before.put("key-" + k, await(reg.pick("consistent_hash", "key-" + k)).getString("id"));
    }
    assertThat(new HashSet<>(before.values())).containsExactlyInAnyOrder(ids); // keys spread over all three
    for (int k = 0; k < 60; k += 7) {
      assertThat(await(reg.pick("consistent_hash", "key-" + k)).getString("id")).isEqualTo(before.get("key-" + k));
    }
    // an unrelated load report does not move keys
    await(Recipes.of(a).registry("kv").reportLoad("i-a", 0.99));
    await(Recipes.of(b).registry("kv").deregister("i-b"));
    int moved = 0;
    for (int k = 0; k < 60; k++) {
      String now = await(reg.pick("consistent_hash", "key-" + k)).getString("id");
      if (before.get("key-" + k).equals("i-b")) {
        assertThat(now).isIn("i-a", "i-c");
        moved++;
      } else {
        assertThat(now).as("key-%d", k).isEqualTo(before.get("key-" + k));
      }
    }
    assertThat(moved).isPositive();
    // it comes back: its keys return to it
    await(Recipes.of(b).registry("kv").register("i-b", "h:1", 1));
    for (int k = 0; k < 60; k++) {
      assertThat(await(reg.pick("consistent_hash", "key-" + k)).getString("id")).isEqualTo(before.get("key-" + k));
    }
    batonFailure(reg.pick("consistent_hash", null), ErrorCode.BAD_ARGUMENTS);
  }

  @Test
  void roundRobinCyclesAndWeightedSkipsZeroWeight() throws Exception {
    await(Recipes.of(a).registry("rr").register("i-a", "h:1", 1));
    await(Recipes.of(b).registry("rr").register("i-b", "h:2", 0));
    await(Recipes.of(c).registry("rr").register("i-c", "h:3", 3));
    ServiceRegistry reg = Recipes.of(watcher).registry("rr");
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      picks.add(await(reg.pick("round_robin", null)).getString("id"));
    }
    assertThat(picks.subList(0, 3)).containsExactlyInAnyOrder("i-a", "i-b", "i-c");
    assertThat(picks.subList(3, 6)).isEqualTo(picks.subList(0, 3));
    assertThat(picks.subList(6, 9)).isEqualTo(picks.subList(0, 3));

    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      counts.merge(await(reg.pick("weighted", null)).getString("id"), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey("i-b");
    assertThat(counts.get("i-a")).isPositive();
    assertThat(counts.get("i-c")).isGreaterThan(counts.get("i-a")); // weight 3 vs 1 over 200 picks

    Set<String> random = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      random.add(await(reg.pick("random", null)).getString("id"));
    }
    assertThat(random).containsExactlyInAnyOrder("i-a", "i-b", "i-c");
    batonFailure(reg.pick("fastest", null), ErrorCode.BAD_ARGUMENTS);
    batonFailure(Recipes.of(watcher).registry("none").pick("round_robin", null), ErrorCode.NO_NODE);
    batonFailure(Recipes.of(a).registry("rr").register("neg", "h:9", -1), ErrorCode.BAD_ARGUMENTS);
    batonFailure(Recipes.of(a).registry("rr").register("i-a", "h:1", 1), ErrorCode.NODE_EXISTS);
  }
}
