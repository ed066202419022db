package io.baton.kafka;

import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Op;
import io.baton.kafka.kafka.Records;
import io.baton.kafka.mapping.EventMapper;
import io.baton.kafka.mapping.Mapped;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.kafka.support.TopicReader.Rec;
import io.baton.schemas.event.BatonEvent;
import io.baton.schemas.event.EventKind;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Election;
import io.baton.vertx.client.recipes.LockGrant;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The bridge as a verticle next to the node (local event bus), against a real broker. */
class KafkaBridgeTest extends BrokerNodeTest {
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(BatonEvent e) {
    if (e.getData() == null) {
      return null;
    }
    byte[] a = new byte[e.getData().remaining()];
    e.getData().duplicate().get(a);
    return new String(a, StandardCharsets.UTF_8);
  }

  /** "KIND path version data cause" of a record, for readable sequence assertions. */
  static String line(BatonEvent e) {
    return e.getKind() + " " + e.getPath() + " v" + e.getVersion() + " " + text(e) + " " + e.getCause();
  }

  @Test
  void writeLoadProducesExactlyTheExpectedRecords() {
    node = new InProcess().startNode(dir.resolve("data"), null);
    node.startBridge(KafkaFixture.bridgeConfig("seq"));
    CoordinationClient c = node.client();
    CoordinationClient other = node.client();
    await(c.create("/app", b("a"), CreateMode.PERSISTENT));
    await(c.create("/app/x", b("1"), CreateMode.PERSISTENT));
    await(c.setData("/app/x", b("2"), 0));
    await(c.multi(List.of(new Op.Create("/app/y", b("y"), CreateMode.PERSISTENT, 0, false),
        new Op.Delete("/app/x", 1))));
    await(other.create("/app/e", b("eph"), CreateMode.EPHEMERAL));
    long otherSession = other.sessionId();
    await(other.close());
    await(c.delete("/app/y", -1));
    node.awaitCaughtUp(c, Duration.ofSeconds(30));

    // session events have a topic of their own
    assertThat(TopicReader.events(kafka.bootstrap(), "seq.sessions")).isNotEmpty()
        .allMatch(r -> BridgeConfig.SESSION_KINDS.contains(r.event().getKind()));
    assertThat(TopicReader.events(kafka.bootstrap(), "seq.events"))
        .noneMatch(r -> BridgeConfig.SESSION_KINDS.contains(r.event().getKind()));
    List<Rec> recs = TopicReader.events(kafka.bootstrap(), "seq.events", "seq.sessions");
    List<String> app = recs.stream().map(Rec::event).filter(e -> e.getPath() != null && e.getPath().startsWith("/app"))
        .map(KafkaBridgeTest::line).toList();
    assertThat(app).containsExactly(
        "NODE_CREATED /app v0 a null",
        "NODE_CREATED /app/x v0 1 null",
        "NODE_DATA_CHANGED /app/x v1 2 null",
        "NODE_CREATED /app/y v0 y null",
        "NODE_DELETED /app/x v-1 null CLIENT",
        "NODE_CREATED /app/e v0 eph null",
        "NODE_DELETED /app/e v-1 null SESSION_CLOSED",
        "NODE_DELETED /app/y v-1 null CLIENT");

    // the multi's two records share a zxid and are numbered; the session close's delete comes before SESSION_CLOSED
    BatonEvent createY = recs.stream().map(Rec::event).filter(e -> "/app/y".equals(e.getPath())).findFirst().get();
    BatonEvent deleteX = recs.stream().map(Rec::event)
        .filter(e -> "/app/x".equals(e.getPath()) && e.getKind() == EventKind.NODE_DELETED).findFirst().get();
    assertThat(deleteX.getZxid()).isEqualTo(createY.getZxid());
    assertThat(List.of(createY.getEntryIndex(), deleteX.getEntryIndex())).containsExactly(0, 1);
    List<BatonEvent> sessionEvents = recs.stream().map(Rec::event).filter(e -> e.getSession() == otherSession).toList();
    assertThat(sessionEvents).extracting(BatonEvent::getKind).containsExactly(EventKind.SESSION_OPENED,
        EventKind.NODE_CREATED, EventKind.NODE_DELETED, EventKind.SESSION_CLOSED);
    assertThat(sessionEvents.get(0).getSessionTimeoutMs()).isEqualTo(other.sessionTimeoutMs());
    assertThat(sessionEvents.get(3).getCause()).isEqualTo("CLOSED");

    // keys, headers, encoding
    for (Rec r : recs) {
      BatonEvent e = r.event();
      assertThat(r.key()).isEqualTo(e.getPath() != null ? e.getPath() : Protocol.hex(e.getSession()));
      assertThat(r.headers().get(Records.ZXID_HEADER)).isEqualTo(Long.toString(e.getZxid()));
      assertThat(r.headers().get(Records.KIND_HEADER)).isEqualTo(e.getKind().name());
      // the header reads as the fingerprint bytes on the wire: value bytes 2..10 after the C3 01 marker
      assertThat(r.headers().get(Records.SCHEMA_HEADER))
          .isEqualTo(HexFormat.of().formatHex(java.util.Arrays.copyOfRange(r.value(), 2, 10)));
      assertThat(e.getResync()).isFalse();
    }
    // zxid order, every (zxid, entryIndex) once
    for (int i = 1; i < recs.size(); i++) {
      BatonEvent a = recs.get(i - 1).event();
      BatonEvent z = recs.get(i).event();
      assertThat(z.getZxid() > a.getZxid() || z.getZxid() == a.getZxid() && z.getEntryIndex() > a.getEntryIndex())
          .as("record %d after %d", i, i - 1).isTrue();
    }
    // nothing derived from plain nodes; the checkpoint names the last zxid
    assertThat(TopicReader.raw(kafka.bootstrap(), "seq.membership")).isEmpty();
    var checkpoints = TopicReader.raw(kafka.bootstrap(), "seq.checkpoints");
    assertThat(Records.decodeCheckpoint(checkpoints.get(checkpoints.size() - 1).value()).getZxid())
        .isEqualTo(node.bridge().bridge().committedZxid());
    // transactions take turns between the bridge's two producers: two more, one after the other, use both
    for (String v : List.of("b", "c")) {
      await(c.setData("/app", b(v), -1));
      node.awaitCaughtUp(c, Duration.ofSeconds(30));
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
      // a commit returns before its markers are written: wait for both to be complete
      Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        var txns = admin.describeTransactions(List.of("baton-bridge-seq", "baton-bridge-seq#2")).all()
            .get(15, TimeUnit.SECONDS);
        assertThat(txns.values()).extracting(TransactionDescription::state)
            .containsOnly(TransactionState.COMPLETE_COMMIT);
        assertThat(txns.values()).extracting(TransactionDescription::producerId).doesNotHaveDuplicates();
      });
    }
  }

  @Test
  void concurrentWritersEveryEntryExactlyOnceMatchingTheLog() {
    node = new InProcess().startNode(dir.resolve("data"), null);
    node.startBridge(KafkaFixture.bridgeConfig("load").put("maxBatchEntries", 100));
    List<CoordinationClient> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      writers.add(node.client());
    }
    CoordinationClient c = writers.get(0);
    await(c.create("/load", new byte[0], CreateMode.PERSISTENT));
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      for (int w = 0; w < writers.size(); w++) {
        CoordinationClient wc = writers.get(w);
        String path = "/load/w" + w + "-" + (i % 50);
        all.add(i < 50 ? wc.create(path, b("v" + i), CreateMode.PERSISTENT)
            : i >= 450 ? wc.delete(path, -1) : wc.setData(path, b("v" + i), -1));
      }
      if (all.size() >= 200) {
        await(Future.join(new ArrayList<>(all)));
        all.clear();
      }
    }
    await(Future.join(all));
    node.awaitCaughtUp(c, Duration.ofSeconds(60));

    // the reference: the log itself, read through a second stream and mapped the same way
    List<String> expected = new CopyOnWriteArrayList<>();
    EventMapper mapper = new EventMapper();
    long head = node.zxid(c);
    var stream = await(c.openEntryStream(0, entry -> {
      for (Mapped m : mapper.mapEntry(entry, false)) {
        expected.add(m.event().getZxid() + "/" + m.event().getEntryIndex() + " " + line(m.event()));
      }
    }));
    InProcess.waitFor(() -> !expected.isEmpty() && Long.parseLong(expected.get(expected.size() - 1).split("/")[0]) >= head,
        Duration.ofSeconds(30), () -> "reference stream");
    await(stream.close());
    List<String> expectedUpToHead = expected.stream().filter(s -> Long.parseLong(s.split("/")[0]) <= head).toList();
    List<String> got = TopicReader.events(kafka.bootstrap(), "load.events", "load.sessions").stream().map(Rec::event)
        .filter(e -> e.getZxid() <= head)
        .map(e -> e.getZxid() + "/" + e.getEntryIndex() + " " + line(e)).toList();
    assertThat(got).hasSize(expectedUpToHead.size()).containsExactlyElementsOf(expectedUpToHead);
    assertThat(got.stream().filter(s -> s.contains("/load/")).count()).isEqualTo(4 * 500);
  }

  @Test
  void membershipLeadershipAndLocksAreDerived() {
    node = new InProcess().startNode(dir.resolve("data"), new JsonObject().put("minSessionTimeoutMs", 500));
    node.startBridge(KafkaFixture.bridgeConfig("derived"));
    CoordinationClient a = node.client();
    CoordinationClient b2 = node.client();
    CoordinationClient c3 = node.client();
    Recipes ra = Recipes.of(a);
    Recipes rb = Recipes.of(b2);
    Recipes rc = Recipes.of(c3);

    // membership: joined, left (client), left (session closed)
    await(ra.group("workers").join("w1", new JsonObject().put("slots", 2)));
    await(rb.group("workers").join("w2", null));
    await(ra.group("workers").leave("w1"));
    // locks: a holds, b and c wait; quick hand-offs must all be recorded
    LockGrant la = await(ra.mutex("ledger").acquire(Duration.ofSeconds(5)));
    Future<LockGrant> lbF = rb.mutex("ledger").acquire(Duration.ofSeconds(5));
    Future<LockGrant> lcF = rc.mutex("ledger").acquire(Duration.ofSeconds(5));
    await(ra.mutex("ledger").release());
    LockGrant lb = await(lbF);
    await(rb.mutex("ledger").release());
    LockGrant lc = await(lcF);
    await(rc.mutex("ledger").release());
    // election: a leads and resigns -> b leads; b's session closes -> d leads; d's session expires
    Election.Candidacy ca = await(ra.election("sched").join("a", null));
    LockGrant leaderA = await(ca.leadership());
    Election.Candidacy cb = await(rb.election("sched").join("b", null));
    // d: a raw session that never heartbeats, so the node expires it
    JsonObject doomed = await(node.vertx.eventBus().<JsonObject>request("baton",
        new JsonObject().put("op", "openSession").put("timeoutMs", 1500))).body();
    await(node.vertx.eventBus().request("baton", new JsonObject().put("op", "election.join")
        .put("session", doomed.getString("session")).put("secret", doomed.getString("secret"))
        .put("name", "sched").put("candidate", "d")));
    await(ca.resign());
    LockGrant leaderB = await(cb.leadership());
    await(b2.close());
    InProcess.waitFor(() -> "d".equals(leader(ra)), Duration.ofSeconds(10), () -> "d leads");
    long leaderD = await(ra.election("sched").leader()).getJsonObject("leader").getLong("token");
    InProcess.waitFor(() -> leader(ra) == null, Duration.ofSeconds(20), () -> "doomed session expiry");
    node.awaitCaughtUp(a, Duration.ofSeconds(30));

    List<BatonEvent> m = TopicReader.events(kafka.bootstrap(), "derived.membership").stream().map(Rec::event).toList();
    List<String> members = m.stream().filter(e -> "group".equals(e.getRecipe()))
        .map(e -> e.getKind() + " " + e.getName() + " " + e.getMemberId() + " " + e.getCause()).toList();
    assertThat(members).containsExactly(
        "MEMBER_JOINED workers w1 null",
        "MEMBER_JOINED workers w2 null",
        "MEMBER_LEFT workers w1 CLIENT",
        "MEMBER_LEFT workers w2 SESSION_CLOSED");
    BatonEvent w1 = m.stream().filter(e -> e.getKind() == EventKind.MEMBER_JOINED).findFirst().get();
    assertThat(new JsonObject(text(w1)).getInteger("slots")).isEqualTo(2);
    assertThat(w1.getSession()).isEqualTo(a.sessionId());

    List<String> election = m.stream().filter(e -> "election".equals(e.getRecipe()))
        .map(e -> e.getKind() + " " + e.getMemberId() + " " + e.getToken() + " " + e.getCause()).toList();
    assertThat(election).containsExactly(
        "LEADER_ELECTED a " + leaderA.token() + " null",
        "LEADER_RESIGNED null null CLIENT",
        "LEADER_ELECTED b " + leaderB.token() + " null",
        "LEADER_LOST null null SESSION_CLOSED",
        "LEADER_ELECTED d " + leaderD + " null",
        "LEADER_LOST null null SESSION_EXPIRED");
    assertThat(m.stream().filter(e -> e.getKind() == EventKind.LEADER_RESIGNED).findFirst().get().getPath())
        .isEqualTo(ca.path());
    assertThat(leaderB.token()).isGreaterThan(leaderA.token());
    assertThat(leaderD).isGreaterThan(leaderB.token());

    List<String> locks = m.stream().filter(e -> "lock".equals(e.getRecipe()))
        .map(e -> e.getKind() + " " + e.getName() + " " + e.getPath() + " " + e.getToken()).toList();
    assertThat(locks).containsExactly(
        "LOCK_GRANTED ledger " + la.path() + " " + la.token(),
        "LOCK_RELEASED ledger " + la.path() + " " + la.token(),
        "LOCK_GRANTED ledger " + lb.path() + " " + lb.token(),
        "LOCK_RELEASED ledger " + lb.path() + " " + lb.token(),
        "LOCK_GRANTED ledger " + lc.path() + " " + lc.token(),
        "LOCK_RELEASED ledger " + lc.path() + " " + lc.token());
    // derived records are keyed by the recipe directory, so one lock's events stay in order
    List<Rec> recs = TopicReader.events(kafka.bootstrap(), "derived.membership");
    assertThat(recs.stream().filter(r -> "lock".equals(r.event().getRecipe())).map(Rec::key).distinct())
        .containsExactly("/baton/locks/ledger");
    assertThat(recs.stream().filter(r -> "election".equals(r.event().getRecipe())).map(Rec::key).distinct())
        .containsExactly("/baton/elections/sched");
    // the plain records of the recipe nodes are on the events topic, the derived ones only on membership
    assertThat(TopicReader.events(kafka.bootstrap(), "derived.events").stream()
        .filter(r -> r.event().getRecipe() != null)).isEmpty();
  }

  @Test
  void contendedLockHandOffsAreAllRecorded() {
    // group commit: records of one hand-off are often still pending when the next hand-off comes
    node = new InProcess().startNode(dir.resolve("data"), new JsonObject().put("durability", "group"));
    node.startBridge(KafkaFixture.bridgeConfig("contended"));
    List<CoordinationClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clients.add(node.client());
    }
    int rounds = 20;
    List<Future<?>> loops = new ArrayList<>();
    List<Long> tokens = new CopyOnWriteArrayList<>();
    for (CoordinationClient cl : clients) {
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      loop(Recipes.of(cl), rounds, tokens, done);
      loops.add(done.future());
    }
    await(Future.all(loops));
    node.awaitCaughtUp(clients.get(0), Duration.ofSeconds(30));
    List<BatonEvent> m = TopicReader.events(kafka.bootstrap(), "contended.membership").stream().map(Rec::event)
        .filter(e -> "lock".equals(e.getRecipe())).toList();
    // every hand-off is recorded: grant, release of the same contender, next grant, ...
    assertThat(m.stream().map(e -> e.getKind() + " " + e.getPath()).toList()).hasSize(2 * 5 * rounds);
    for (int i = 0; i < m.size(); i += 2) {
      assertThat(m.get(i).getKind()).as("record %d", i).isEqualTo(EventKind.LOCK_GRANTED);
      assertThat(m.get(i + 1).getKind()).as("record %d", i + 1).isEqualTo(EventKind.LOCK_RELEASED);
      assertThat(m.get(i + 1).getPath()).isEqualTo(m.get(i).getPath());
    }
    List<Long> granted = m.stream().filter(e -> e.getKind() == EventKind.LOCK_GRANTED).map(BatonEvent::getToken).toList();
    assertThat(granted).isSorted().doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(tokens);
    for (int i = 0; i < m.size(); i += 2) {
      assertThat(m.get(i + 1).getToken()).as("token of release %d", i + 1).isEqualTo(m.get(i).getToken());
    }
  }

  private static void loop(Recipes r, int left, List<Long> tokens, io.vertx.core.Promise<Void> done) {
    if (left == 0) {
      done.complete();
      return;
    }
    r.mutex("hot").acquire(Duration.ofSeconds(20))
        .compose(g -> {
          tokens.add(g.token());
          return r.mutex("hot").release();
        })
        .onSuccess(v -> loop(r, left - 1, tokens, done))
        .onFailure(done::fail);
  }

  static String leader(Recipes r) {
    Object l = await(r.election("sched").leader()).getValue("leader");
    return l instanceof JsonObject j ? j.getString("id") : null;
  }

  @Test
  void routingRulesChooseTopicKindsAndData() {
    node = new InProcess().startNode(dir.resolve("data"), null);
    JsonArray routes = new JsonArray()
        .add(new JsonObject().put("prefix", "/orders/secret").put("topic", (String) null))
        .add(new JsonObject().put("prefix", "/orders").put("topic", "routes.orders").put("includeData", false))
        .add(new JsonObject().put("prefix", "/baton/groups").put("kinds", new JsonArray().add("DERIVED"))
            .put("topic", "routes.groups"))
        .add(new JsonObject().put("prefix", "/cfg").put("kinds", new JsonArray().add("NODE_DATA_CHANGED"))
            .put("topic", "routes.cfg"));
    node.startBridge(KafkaFixture.bridgeConfig("routes").put("routes", routes));
    CoordinationClient c = node.client();
    await(c.create("/orders", b("o"), CreateMode.PERSISTENT));
    await(c.create("/orders/1", b("first"), CreateMode.PERSISTENT));
    await(c.create("/orders/secret", b("s"), CreateMode.PERSISTENT));
    await(c.create("/orders/secret/k", b("s"), CreateMode.PERSISTENT));
    await(c.create("/ordersx", b("not under /orders"), CreateMode.PERSISTENT));
    await(c.create("/cfg", b("1"), CreateMode.PERSISTENT));
    await(c.setData("/cfg", b("2"), -1));
    await(Recipes.of(c).group("g").join("m1", null));
    node.awaitCaughtUp(c, Duration.ofSeconds(30));

    List<BatonEvent> orders = TopicReader.events(kafka.bootstrap(), "routes.orders").stream().map(Rec::event).toList();
    assertThat(orders).extracting(BatonEvent::getPath).containsExactly("/orders", "/orders/1");
    assertThat(orders).allSatisfy(e -> {
      assertThat(e.getData()).isNull();
      assertThat(e.getDataOmitted()).isTrue();
    });
    assertThat(TopicReader.events(kafka.bootstrap(), "routes.cfg").stream().map(Rec::event).map(KafkaBridgeTest::line))
        .containsExactly("NODE_DATA_CHANGED /cfg v1 2 null");
    assertThat(TopicReader.events(kafka.bootstrap(), "routes.groups").stream().map(Rec::event)
        .map(e -> e.getKind() + " " + e.getMemberId())).containsExactly("MEMBER_JOINED m1");
    // no rule for the rest: the default topics get nothing when routes are given
    assertThat(TopicReader.raw(kafka.bootstrap(), "routes.events")).isEmpty();
  }

  @Test
  void statusReportsPositionAndLag() {
    node = new InProcess().startNode(dir.resolve("data"), null);
    node.startBridge(KafkaFixture.bridgeConfig("status"));
    CoordinationClient c = node.client();
    await(c.create("/s", b("1"), CreateMode.PERSISTENT));
    node.awaitCaughtUp(c, Duration.ofSeconds(30));
    JsonObject s = await(node.vertx.eventBus().<JsonObject>request("baton.kafka.status", null)).body();
    assertThat(s.getString("state")).isEqualTo("RUNNING");
    assertThat(s.getLong("committedZxid")).isEqualTo(node.zxid(c));
    assertThat(s.getLong("lagEntries")).isZero();
    assertThat(s.getLong("records")).isGreaterThan(0);
  }

}
