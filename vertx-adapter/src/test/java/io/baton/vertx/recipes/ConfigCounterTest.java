package io.baton.vertx.recipes;

import static io.baton.vertx.recipes.RecipeSupport.await;
import static io.baton.vertx.recipes.RecipeSupport.batonFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.ConfigDocument;
import io.baton.vertx.client.recipes.Counter;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versioned JSON configuration documents and shared counters. */
class ConfigCounterTest {
  @TempDir
  Path dataDir;
  private Vertx vertx;
  private CoordinationClient a;
  private CoordinationClient b;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    RecipeSupport.deploy(vertx, dataDir);
    a = RecipeSupport.client(vertx);
    b = RecipeSupport.client(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void configVersionsCompareAndSetHistoryAndRollback() throws Exception {
    ConfigDocument doc = Recipes.of(a).config("app");
    batonFailure(doc.get(), ErrorCode.NO_NODE);
    batonFailure(doc.history(), ErrorCode.NO_NODE);
    batonFailure(doc.set(new JsonObject().put("x", 1), 3), ErrorCode.NO_NODE); // CAS on a missing document
    assertThat(await(doc.set(new JsonObject().put("pool", 4), -1))).isZero();
    JsonObject v0 = await(Recipes.of(b).config("app").get());
    assertThat(v0.getInteger("version")).isZero();
    assertThat(v0.getJsonObject("value")).isEqualTo(new JsonObject().put("pool", 4));

    assertThat(await(doc.set(new JsonObject().put("pool", 8), 0))).isEqualTo(1);
    // b read version 0: its compare-and-set is stale
    batonFailure(Recipes.of(b).config("app").set(new JsonObject().put("pool", 2), 0), ErrorCode.BAD_VERSION);
    assertThat(await(doc.get()).getJsonObject("value").getInteger("pool")).isEqualTo(8);
    assertThat(await(Recipes.of(b).config("app").set(new JsonObject().put("pool", 16).put("debug", true), 1)))
        .isEqualTo(2);

    JsonArray history = await(doc.history());
    assertThat(history.stream().map(o -> ((JsonObject) o).getInteger("version")).toList()).containsExactly(0, 1, 2);
    assertThat(history.getJsonObject(1).getJsonObject("value")).isEqualTo(new JsonObject().put("pool", 8));

    assertThat(await(doc.rollback(0, 2))).isEqualTo(3);
    JsonObject now = await(doc.get());
    assertThat(now.getInteger("version")).isEqualTo(3);
    assertThat(now.getJsonObject("value")).isEqualTo(new JsonObject().put("pool", 4));
    assertThat(await(doc.history()).getJsonObject(3).getJsonObject("value")).isEqualTo(new JsonObject().put("pool", 4));
    batonFailure(doc.rollback(1, 2), ErrorCode.BAD_VERSION); // stale expected version
    batonFailure(doc.rollback(42, -1), ErrorCode.NO_NODE); // no such version
    assertThat(await(doc.get()).getInteger("version")).isEqualTo(3);

    // history keeps the newest ten versions
    for (int i = 0; i < 12; i++) {
      await(doc.set(new JsonObject().put("i", i), -1));
    }
    JsonArray recent = await(doc.history());
    assertThat(recent).hasSize(10);
    assertThat(recent.getJsonObject(9).getInteger("version")).isEqualTo(15);
    assertThat(recent.getJsonObject(0).getInteger("version")).isEqualTo(6);
    batonFailure(doc.rollback(1, -1), ErrorCode.NO_NODE);
  }

  @Test
  void invalidConfigRequests() throws Exception {
    batonFailure(a.request(new JsonObject().put("op", "config.set").put("name", "app").put("value", "{not json")),
        ErrorCode.BAD_ARGUMENTS);
    batonFailure(a.request(new JsonObject().put("op", "config.set").put("name", "app")), ErrorCode.BAD_ARGUMENTS);
    batonFailure(Recipes.of(a).config("a/b").set(new JsonObject(), -1), ErrorCode.BAD_ARGUMENTS);
    batonFailure(Recipes.of(a).config("unknown").get(), ErrorCode.NO_NODE);
    // JSON given as text is accepted
    assertThat(await(a.request(new JsonObject().put("op", "config.set").put("name", "app")
        .put("value", "{\"k\": [1, 2]}"))).getInteger("version")).isZero();
    assertThat(await(Recipes.of(a).config("app").get()).getJsonObject("value").getJsonArray("k"))
        .containsExactly(1, 2);
  }

  @Test
  void subscriptionDeliversCurrentValueThenEachChange() throws Exception {
    ConfigDocument writer = Recipes.of(a).config("feature");
    await(writer.set(new JsonObject().put("on", false), -1));
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    await(Recipes.of(b).config("feature").subscribe(seen::add));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).getInteger("version")).isZero();
    assertThat(seen.get(0).getJsonObject("value")).isEqualTo(new JsonObject().put("on", false));

    await(writer.set(new JsonObject().put("on", true), 0));
    await(writer.set(new JsonObject().put("on", true).put("pct", 10), 1));
    await(writer.rollback(0, 2));
    await(Recipes.of(a).config("unrelated").set(new JsonObject(), -1));
    await().atMost(Duration.ofSeconds(3)).until(() -> seen.size() >= 4);
    Thread.sleep(100);
    assertThat(seen).extracting(j -> j.getInteger("version")).containsExactly(0, 1, 2, 3);
    assertThat(seen.get(2).getJsonObject("value")).isEqualTo(new JsonObject().put("on", true).put("pct", 10));
    assertThat(seen.get(3).getJsonObject("value")).isEqualTo(new JsonObject().put("on", false));

    // a subscription before the first write delivers nothing until it is written
    List<JsonObject> later = new CopyOnWriteArrayList<>();
    await(Recipes.of(b).config("fresh").subscribe(later::add));
    assertThat(later).isEmpty();
    await(writer.set(new JsonObject(), -1));
    await(Recipes.of(a).config("fresh").set(new JsonObject().put("n", 1), -1));
    await().atMost(Duration.ofSeconds(3)).until(() -> later.size() == 1);
    assertThat(later.get(0).getInteger("version")).isZero();
  }

  @Test
  void concurrentAddsFromManySessionsSumExactly() throws Exception {
    List<Counter> counters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      counters.add(Recipes.of(RecipeSupport.client(vertx)).counter("hits"));
    }
    List<Future<Long>> all = new ArrayList<>();
    for (int round = 0; round < 50; round++) {
      for (Counter c : counters) {
        all.add(c.add(1));
      }
    }
    Set<Long> results = new HashSet<>();
    for (Future<Long> f : all) {
      results.add(await(f));
    }
    // every add saw a distinct value: none was lost or applied twice
    assertThat(results).hasSize(200);
    assertThat(results).allSatisfy(v -> assertThat(v).isBetween(1L, 200L));
    assertThat(await(Recipes.of(a).counter("hits").get())).isEqualTo(200);
    assertThat(await(Recipes.of(a).counter("hits").add(-50))).isEqualTo(150);
  }

  @Test
  void compareAndSet() throws Exception {
    Counter c = Recipes.of(a).counter("seq");
    assertThat(await(c.get())).isZero(); // never written
    assertThat(await(c.compareAndSet(1, 5))).isFalse();
    assertThat(await(c.compareAndSet(0, 5))).isTrue();
    assertThat(await(c.get())).isEqualTo(5);
    assertThat(await(Recipes.of(b).counter("seq").compareAndSet(0, 9))).isFalse();
    assertThat(await(Recipes.of(b).counter("seq").compareAndSet(5, 9))).isTrue();
    assertThat(await(c.get())).isEqualTo(9);
    // concurrent CAS of the same expected value: exactly one wins
    List<Future<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      racers.add(Recipes.of(i % 2 == 0 ? a : b).counter("seq").compareAndSet(9, 100 + i));
    }
    int wins = 0;
    for (Future<Boolean> f : racers) {
      wins += await(f) ? 1 : 0;
    }
    assertThat(wins).isEqualTo(1);
    assertThat(await(c.get())).isBetween(100L, 105L);
    batonFailure(Recipes.of(a).counter("a/b").add(1), ErrorCode.BAD_ARGUMENTS);
    await(c.add(Long.MAX_VALUE - await(c.get())));
    batonFailure(c.add(1), ErrorCode.BAD_ARGUMENTS); // overflow
  }
}
