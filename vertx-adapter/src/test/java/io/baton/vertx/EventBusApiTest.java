package io.baton.vertx;

import static io.baton.vertx.TestSupport.await;
import static io.baton.vertx.TestSupport.batonFailure;
import static io.baton.vertx.TestSupport.replyFailure;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.Children;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatcherType;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.ChangeStream;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.MultiException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CoordinationClient on the local event bus against a real verticle and data directory. */
class EventBusApiTest {
  @TempDir
  Path dataDir;

  private Vertx vertx;
  private String deployment;
  private CoordinationClient client;
  private CoordinationClient other;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    deployment = TestSupport.deploy(vertx, config());
    client = await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
    other = await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
  }

  private JsonObject config() {
    return TestSupport.config(dataDir, "group").put("tickMs", 50).put("minSessionTimeoutMs", 500);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void createReadUpdateDelete() throws Exception {
    assertThat(await(client.create("/app", bytes("v1"), CreateMode.PERSISTENT))).isEqualTo("/app");
    NodeData d = await(client.getData("/app", false));
    assertThat(new String(d.data(), UTF_8)).isEqualTo("v1");
    assertThat(d.stat().version()).isZero();
    assertThat(d.stat().dataLength()).isEqualTo(2);
    assertThat(d.stat().ephemeralOwner()).isZero();
    assertThat(d.stat().czxid()).isEqualTo(d.stat().mzxid());

    Stat s = await(client.setData("/app", bytes("v2"), 0));
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.mzxid()).isGreaterThan(s.czxid());
    batonFailure(client.setData("/app", bytes("v3"), 0), ErrorCode.BAD_VERSION);
    assertThat(new String(await(other.getData("/app", false)).data(), UTF_8)).isEqualTo("v2");

    assertThat(await(client.exists("/app", false)).version()).isEqualTo(1);
    assertThat(await(client.exists("/nope", false))).isNull();
    batonFailure(client.getData("/nope", false), ErrorCode.NO_NODE);
    batonFailure(client.create("/app", null, CreateMode.PERSISTENT), ErrorCode.NODE_EXISTS);
    batonFailure(client.create("/x/y", null, CreateMode.PERSISTENT), ErrorCode.NO_NODE);
    assertThat(await(client.create("/x/y/z", bytes("deep"), CreateMode.PERSISTENT, 0, true))).isEqualTo("/x/y/z");
    assertThat(await(client.getChildren("/x/y", false)).names()).containsExactly("z");

    await(client.create("/app/b", null, CreateMode.PERSISTENT));
    await(client.create("/app/a", null, CreateMode.PERSISTENT));
    Children c = await(client.getChildren("/app", false));
    assertThat(c.names()).containsExactly("a", "b");
    assertThat(c.stat().numChildren()).isEqualTo(2);
    assertThat(c.stat().cversion()).isEqualTo(2);
    assertThat(await(client.getChildren("/", false)).names()).containsExactly("app", "x", "zookeeper");

    batonFailure(client.delete("/app", -1), ErrorCode.NOT_EMPTY);
    batonFailure(client.delete("/app/a", 5), ErrorCode.BAD_VERSION);
    await(client.delete("/app/a", 0));
    await(client.delete("/app/b", -1));
    await(client.delete("/app", 1));
    assertThat(await(client.exists("/app", false))).isNull();
    batonFailure(client.delete("/app", -1), ErrorCode.NO_NODE);
    batonFailure(client.getData("relative", false), ErrorCode.INVALID_PATH);
  }

  @Test
  void sequentialNodesAreNumberedByTheParentsChildVersion() throws Exception {
    await(client.create("/q", null, CreateMode.PERSISTENT));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      names.add(await(client.create("/q/item-", bytes("x" + i), CreateMode.PERSISTENT_SEQUENTIAL)));
    }
    names.add(await(client.create("/q/lock-", null, CreateMode.EPHEMERAL_SEQUENTIAL)));
    assertThat(names).containsExactly("/q/item-0000000000", "/q/item-0000000001", "/q/item-0000000002",
        "/q/lock-0000000003");
    await(client.delete("/q/item-0000000002", -1));
    // as in ZooKeeper, cversion counts creates and deletes of children (here 4 + 1) ...
    assertThat(await(client.exists("/q", false)).cversion()).isEqualTo(5);
    // ... while the suffix counts creations only
    assertThat(await(client.create("/q/item-", null, CreateMode.PERSISTENT_SEQUENTIAL)))
        .isEqualTo("/q/item-0000000004");
    assertThat(await(client.getEphemerals("/q"))).containsExactly("/q/lock-0000000003");
  }

  @Test
  void multiCommitsAllOrNothing() throws Exception {
    List<OpResult> ok = await(client.multi(List.of(
        new Op.Create("/m", bytes("a"), CreateMode.PERSISTENT, 0, false),
        new Op.Create("/m/c", null, CreateMode.PERSISTENT, 0, false),
        new Op.SetData("/m", bytes("b"), 0),
        new Op.Check("/m", 1))));
    assertThat(ok).hasSize(4);
    assertThat(ok.get(0)).isInstanceOf(OpResult.Created.class);
    assertThat(((OpResult.Created) ok.get(0)).path()).isEqualTo("/m");
    assertThat(((OpResult.Created) ok.get(1)).path()).isEqualTo("/m/c");
    assertThat(((OpResult.DataSet) ok.get(2)).stat().version()).isEqualTo(1);
    assertThat(ok.get(3)).isEqualTo(new OpResult.Checked("/m"));
    // one transaction: every node touched carries the same zxid
    Stat m = await(client.exists("/m", false));
    assertThat(m.czxid()).isEqualTo(m.mzxid()).isEqualTo(await(client.exists("/m/c", false)).czxid());

    long zxidBefore = await(client.request(new JsonObject().put("op", "digest"))).getLong("zxid");
    MultiException e = (MultiException) batonFailure(client.multi(List.of(
        new Op.Create("/m2", null, CreateMode.PERSISTENT, 0, false),
        new Op.Delete("/nope", -1),
        new Op.SetData("/m", bytes("c"), -1))), ErrorCode.NO_NODE);
    assertThat(e.failedIndex()).isEqualTo(1);
    assertThat(e.results()).hasSize(3);
    assertThat(e.results()).extracting(r -> ((OpResult.Error) r).code())
        .containsExactly(ErrorCode.OK, ErrorCode.NO_NODE, ErrorCode.RUNTIME_INCONSISTENCY);
    assertThat(await(client.exists("/m2", false))).isNull();
    assertThat(await(client.getData("/m", false)).stat().version()).isEqualTo(1);

    MultiException v = (MultiException) batonFailure(client.multi(List.of(
        new Op.Check("/m", 7), new Op.Delete("/m/c", -1))), ErrorCode.BAD_VERSION);
    assertThat(v.failedIndex()).isZero();
    assertThat(await(client.exists("/m/c", false))).isNotNull();
    assertThat(await(client.request(new JsonObject().put("op", "digest"))).getLong("zxid")).isEqualTo(zxidBefore);
  }

  @Test
  void syncCompletesAfterEarlierWrites() throws Exception {
    await(other.create("/synced", bytes("1"), CreateMode.PERSISTENT));
    await(client.sync("/synced"));
    assertThat(await(client.getData("/synced", false)).data()).isEqualTo(bytes("1"));
    batonFailure(client.sync("bad"), ErrorCode.INVALID_PATH);
  }

  @Test
  void ephemeralsGoAwayWhenTheirSessionCloses() throws Exception {
    await(client.create("/svc", null, CreateMode.PERSISTENT));
    await(client.create("/svc/e1", bytes("me"), CreateMode.EPHEMERAL));
    batonFailure(client.create("/svc/e1/child", null, CreateMode.PERSISTENT), ErrorCode.NO_CHILDREN_FOR_EPHEMERALS);
    assertThat(await(client.getEphemerals("/"))).containsExactly("/svc/e1");
    assertThat(await(other.getEphemerals("/"))).isEmpty();
    Stat seen = await(other.exists("/svc/e1", true));
    assertThat(seen.ephemeralOwner()).isEqualTo(client.sessionId());

    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    other.watchHandler(events::add);
    await(client.close());
    assertThat(await(other.exists("/svc/e1", false))).isNull();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(events)
        .extracting(WatchEvent::type, WatchEvent::path).containsExactly(
            org.assertj.core.groups.Tuple.tuple(EventType.NodeDeleted, "/svc/e1")));
    // the closed session is gone
    batonFailure(client.getData("/svc", false), ErrorCode.SESSION_EXPIRED);
  }

  @Test
  void oneShotWatchesFireOnce() throws Exception {
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    client.watchHandler(events::add);
    await(client.create("/w", bytes("0"), CreateMode.PERSISTENT));
    await(client.getData("/w", true));
    await(client.getChildren("/w", true));

    Stat s = await(other.setData("/w", bytes("1"), -1));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events.get(0)).isEqualTo(new WatchEvent(EventType.NodeDataChanged, "/w", s.mzxid()));

    String child = await(other.create("/w/c", null, CreateMode.PERSISTENT));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
    assertThat(events.get(1).type()).isEqualTo(EventType.NodeChildrenChanged);
    assertThat(events.get(1).path()).isEqualTo("/w");
    assertThat(child).isEqualTo("/w/c");

    // both watches were one-shot: more changes notify nothing
    await(other.setData("/w", bytes("2"), -1));
    await(other.create("/w/d", null, CreateMode.PERSISTENT));
    // exists-watch on a missing node fires on creation
    await(client.exists("/w2", true));
    await(other.create("/w2", null, CreateMode.PERSISTENT));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 3);
    Thread.sleep(100);
    assertThat(events).hasSize(3);
    assertThat(events.get(2).type()).isEqualTo(EventType.NodeCreated);
    assertThat(events.get(2).path()).isEqualTo("/w2");
    batonFailure(client.removeWatches("/w", WatcherType.ANY), ErrorCode.NO_WATCHER);
  }

  @Test
  void persistentRecursiveWatchSeesTheWholeSubtreeUntilRemoved() throws Exception {
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    client.watchHandler(events::add);
    await(client.addWatch("/r", AddWatchMode.PERSISTENT_RECURSIVE));
    await(other.create("/r", null, CreateMode.PERSISTENT));
    await(other.create("/r/a", null, CreateMode.PERSISTENT));
    await(other.create("/r/a/b", null, CreateMode.PERSISTENT));
    await(other.setData("/r/a/b", bytes("x"), -1));
    await(other.delete("/r/a/b", -1));
    await(other.create("/elsewhere", null, CreateMode.PERSISTENT));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 5);
    assertThat(events).extracting(WatchEvent::type, WatchEvent::path).containsExactly(
        org.assertj.core.groups.Tuple.tuple(EventType.NodeCreated, "/r"),
        org.assertj.core.groups.Tuple.tuple(EventType.NodeCreated, "/r/a"),
        org.assertj.core.groups.Tuple.tuple(EventType.NodeCreated, "/r/a/b"),
        org.assertj.core.groups.Tuple.tuple(EventType.NodeDataChanged, "/r/a/b"),
        org.assertj.core.groups.Tuple.tuple(EventType.NodeDeleted, "/r/a/b"));
    assertThat(events).extracting(WatchEvent::zxid).isSorted();

    await(client.removeWatches("/r", WatcherType.PERSISTENT_RECURSIVE));
    await(other.create("/r/after", null, CreateMode.PERSISTENT));
    await(client.sync("/"));
    Thread.sleep(100);
    assertThat(events).hasSize(5);
  }

  @Test
  void sessionThatStopsHeartbeatingExpires() throws Exception {
    JsonObject opened = await(vertx.eventBus().<JsonObject>request(Protocol.DEFAULT_ADDRESS,
        new JsonObject().put("op", "openSession").put("timeoutMs", 100))).body();
    assertThat(opened.getInteger("timeoutMs")).isEqualTo(500); // clamped to minSessionTimeoutMs
    String session = opened.getString("session");
    String secret = opened.getString("secret");
    List<JsonObject> notices = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<JsonObject>consumer(Protocol.DEFAULT_ADDRESS + ".session." + session,
        (Message<JsonObject> m) -> notices.add(m.body())).completion());
    await(vertx.eventBus().request(Protocol.DEFAULT_ADDRESS, new JsonObject().put("op", "create")
        .put("session", session).put("secret", secret).put("path", "/lease").put("mode", "ephemeral")
        .put("text", "mine")));
    Stat lease = await(other.exists("/lease", true));
    assertThat(Protocol.hex(lease.ephemeralOwner())).isEqualTo(session);
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    other.watchHandler(events::add);

    long t0 = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> await(other.exists("/lease", false)) == null);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty() && !notices.isEmpty());
    assertThat(events.get(0).type()).isEqualTo(EventType.NodeDeleted);
    assertThat(notices.get(0)).isEqualTo(new JsonObject().put("type", "session").put("state", "expired"));

    for (JsonObject req : List.of(
        new JsonObject().put("op", "heartbeat"),
        new JsonObject().put("op", "getData").put("path", "/"),
        new JsonObject().put("op", "create").put("path", "/again").put("mode", "ephemeral"),
        new JsonObject().put("op", "closeSession"))) {
      replyFailure(vertx.eventBus().request(Protocol.DEFAULT_ADDRESS, req.put("session", session).put("secret", secret)),
          ErrorCode.SESSION_EXPIRED.value());
    }
    assertThat(await(other.exists("/again", false))).isNull();
    // heartbeating clients are unaffected
    assertThat(await(client.getData("/", false))).isNotNull();
  }

  private record Change(long zxid, ChangeEvent.Kind kind, String path) {
    static Change of(ChangeEvent e) {
      return new Change(e.zxid(), e.kind(), e.path());
    }
  }

  @Test
  void changeStreamsDeliverEveryChangeInOrder() throws Exception {
    List<Change> all = new CopyOnWriteArrayList<>();
    List<byte[]> data = new CopyOnWriteArrayList<>();
    await(client.create("/s", bytes("a"), CreateMode.PERSISTENT));
    ChangeStream fromStart = await(client.openChangeStream(0, e -> {
      all.add(Change.of(e));
      if (e.kind() == ChangeEvent.Kind.NODE_DATA_CHANGED) {
        data.add(e.data());
      }
    }));
    Stat set = await(client.setData("/s", bytes("b"), -1));
    long middle = set.mzxid();
    await(other.create("/s/e", null, CreateMode.EPHEMERAL));
    await(client.multi(List.of(new Op.Create("/s/m", null, CreateMode.PERSISTENT, 0, false),
        new Op.SetData("/s", bytes("c"), -1))));
    await(other.close());
    long lastBefore = await(client.request(new JsonObject().put("op", "digest"))).getLong("zxid");
    await().atMost(Duration.ofSeconds(5)).until(() -> !all.isEmpty() && all.get(all.size() - 1).zxid() == lastBefore);

    assertThat(all).extracting(Change::zxid).isSorted();
    List<Change> nodeChanges = all.stream().filter(c -> c.path() != null && c.path().startsWith("/s")).toList();
    assertThat(nodeChanges).extracting(Change::kind, Change::path).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_CREATED, "/s"),
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_DATA_CHANGED, "/s"),
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_CREATED, "/s/e"),
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_CREATED, "/s/m"),
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_DATA_CHANGED, "/s"),
        org.assertj.core.groups.Tuple.tuple(ChangeEvent.Kind.NODE_DELETED, "/s/e"));
    assertThat(all).extracting(Change::kind).contains(ChangeEvent.Kind.SESSION_OPENED,
        ChangeEvent.Kind.SESSION_CLOSED);
    assertThat(data).extracting(b -> new String(b, UTF_8)).containsExactly("b", "c");
    // a multi's changes share one zxid
    assertThat(nodeChanges.get(3).zxid()).isEqualTo(nodeChanges.get(4).zxid());

    // a stream from the middle gets exactly the later changes, then live ones
    List<Change> later = new CopyOnWriteArrayList<>();
    ChangeStream fromMiddle = await(client.openChangeStream(middle, e -> later.add(Change.of(e))));
    await(client.delete("/s/m", -1));
    long last = await(client.request(new JsonObject().put("op", "digest"))).getLong("zxid");
    await().atMost(Duration.ofSeconds(5)).until(() -> !later.isEmpty() && later.get(later.size() - 1).zxid() == last
        && all.get(all.size() - 1).zxid() == last);
    assertThat(later).isEqualTo(all.stream().filter(c -> c.zxid() > middle).toList());
    assertThat(later.get(later.size() - 1)).isEqualTo(new Change(last, ChangeEvent.Kind.NODE_DELETED, "/s/m"));

    await(fromMiddle.close());
    await(fromStart.close());
    await(client.setData("/s", bytes("d"), -1));
    await(client.sync("/"));
    Thread.sleep(100);
    assertThat(later.get(later.size() - 1).zxid()).isEqualTo(last);
    batonFailure(client.openChangeStream(Long.MAX_VALUE, e -> { }), ErrorCode.BAD_ARGUMENTS);
    batonFailure(fromMiddle.close(), ErrorCode.BAD_ARGUMENTS);
  }

  @Test
  void stateAndSessionsSurviveARedeployOnTheSameDataDir() throws Exception {
    await(client.create("/kept", bytes("durable"), CreateMode.PERSISTENT));
    await(client.create("/mine", null, CreateMode.EPHEMERAL));
    JsonObject snap = await(client.request(new JsonObject().put("op", "snapshot")));
    await(client.setData("/kept", bytes("after snapshot"), -1));
    JsonObject before = await(client.request(new JsonObject().put("op", "digest")));
    assertThat(snap.getLong("zxid")).isLessThan(before.getLong("zxid"));

    await(vertx.undeploy(deployment));
    batonFailure(client.getData("/kept", false), ErrorCode.SYSTEM_ERROR); // nobody at the address
    deployment = TestSupport.deploy(vertx, config());

    assertThat(await(client.request(new JsonObject().put("op", "digest")))).isEqualTo(before);
    assertThat(await(client.getData("/kept", false)).data()).isEqualTo(bytes("after snapshot"));
    // the session was recovered with the node: it is still valid and still owns its ephemeral
    assertThat(await(other.getEphemerals("/"))).isEmpty();
    assertThat(await(client.getEphemerals("/"))).containsExactly("/mine");
    Stat s = await(client.setData("/kept", bytes("new epoch"), -1));
    assertThat(s.mzxid() >>> 32).isGreaterThan(before.getLong("zxid") >>> 32);
  }
}
