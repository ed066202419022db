package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ConnectionState;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client given two node addresses loses its node to {@code kill -9} and fails over: the node's
 * data directory comes back as a process on the client's other address, and the session, its
 * ephemerals, watches and change stream must carry on (sessions survive a restart: they are in the
 * log). Also: no node comes back (the session is reported expired after its timeout), and a node
 * holds a request with {@code minZxid} until it has applied that zxid.
 */
class ClientFailoverTest {
  private static final byte[] NONE = new byte[0];

  @TempDir
  Path tmp;
  private Vertx vertx;
  private final List<ServerProcess> servers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ServerProcess s : servers) {
      s.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private ServerProcess start(Path data, int port) throws Exception {
    ServerProcess s = new ServerProcess(data, port);
    servers.add(s);
    return s.start();
  }

  @Test
  void sessionWatchesAndStreamSurviveFailoverToAnotherAddress() throws Exception {
    Path data = tmp.resolve("data");
    int portA = ServerProcess.freePort();
    int portB = ServerProcess.freePort();
    int portC = ServerProcess.freePort();
    ServerProcess a = start(data, portA);
    CoordinationClient c = get(CoordinationClient.connectBridge(vertx,
        List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB), ClientOptions.defaults().withSessionTimeout(20_000)));
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    c.connectionStateHandler(states::add).watchHandler(events::add);

    get(c.create("/app", NONE, CreateMode.PERSISTENT));
    get(c.create("/app/eph", NONE, CreateMode.EPHEMERAL));
    get(c.create("/w", bytes("0"), CreateMode.PERSISTENT));
    long from = get(c.request(new JsonObject().put("op", "sync").put("path", "/"))).getLong("zxid");
    List<ChangeEvent> changes = new CopyOnWriteArrayList<>();
    get(c.openChangeStream(from, changes::add));
    get(c.getData("/w", true));                          // one-shot data watch
    get(c.exists("/later", true));                       // one-shot exists watch on a missing node
    get(c.getChildren("/app", true));                    // one-shot child watch
    get(c.addWatch("/app", AddWatchMode.PERSISTENT_RECURSIVE));
    get(c.setData("/app", bytes("1"), -1));
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeChanges(changes).size() == 1
        && eventsOf(events).equals(List.of("NodeDataChanged /app")));
    events.clear();
    get(c.request(new JsonObject().put("op", "barrier.set").put("name", "gate")));
    Future<JsonObject> inFlight = c.request(new JsonObject().put("op", "barrier.await").put("name", "gate")
        .put("timeoutMs", 60_000), 70_000);
    Thread.sleep(300);
    assertThat(inFlight.isComplete()).as("barrier.await waits").isFalse();

    a.kill9();
    long killed = System.nanoTime();
    assertThat(failure(inFlight).code()).as("request in flight at the kill").isEqualTo(ErrorCode.CONNECTION_LOSS);
    assertThat(elapsedMs(killed)).isLessThan(5_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> states.contains(ConnectionState.DISCONNECTED));
    assertThat(failure(c.getData("/w", false)).code()).as("request while disconnected")
        .isEqualTo(ErrorCode.CONNECTION_LOSS);

    // the node comes back where the client does not look; another client changes things meanwhile
    ServerProcess elsewhere = start(data, portC);
    CoordinationClient other = get(CoordinationClient.connectBridge(vertx, "127.0.0.1", portC,
        ClientOptions.defaults()));
    get(other.setData("/w", bytes("1"), -1));
    get(other.create("/later", NONE, CreateMode.PERSISTENT));
    get(other.create("/app/x", NONE, CreateMode.PERSISTENT));
    get(other.setData("/app", bytes("2"), -1));
    get(other.close());
    elsewhere.kill9();
    assertThat(states).containsExactly(ConnectionState.DISCONNECTED);

    start(data, portB);
    await().atMost(Duration.ofSeconds(20)).until(() -> states.contains(ConnectionState.RECONNECTED));
    assertThat(elapsedMs(killed)).as("reconnected within the session timeout").isLessThan(20_000);
    assertThat(states).containsExactly(ConnectionState.DISCONNECTED, ConnectionState.RECONNECTED);
    assertThat(get(c.getEphemerals("/"))).containsExactly("/app/eph");
    assertThat(get(c.exists("/app/eph", false)).ephemeralOwner()).isEqualTo(c.sessionId());
    // the one-shot watches fire for what changed while the client was away (ZooKeeper's setWatches)
    assertThat(eventsOf(events)).containsExactlyInAnyOrder("NodeDataChanged /w", "NodeCreated /later",
        "NodeChildrenChanged /app");

    // the persistent recursive watch is registered again: a change made now is seen
    CoordinationClient later = get(CoordinationClient.connectBridge(vertx, "127.0.0.1", portB,
        ClientOptions.defaults()));
    get(later.create("/app/after", NONE, CreateMode.PERSISTENT));
    await().atMost(Duration.ofSeconds(10)).until(() -> eventsOf(events).contains("NodeCreated /app/after"));
    Thread.sleep(300);
    assertThat(eventsOf(events)).hasSize(4);

    // the change stream resumed right after the last change it delivered: nothing missed or repeated
    List<String> expected = List.of("NODE_DATA_CHANGED /app", "NODE_DATA_CHANGED /w", "NODE_CREATED /later",
        "NODE_CREATED /app/x", "NODE_DATA_CHANGED /app", "NODE_CREATED /app/after");
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeChanges(changes).size() >= expected.size());
    Thread.sleep(300);
    assertThat(nodeChanges(changes)).containsExactlyElementsOf(expected);
    assertThat(changes.stream().map(ChangeEvent::zxid).toList()).isSorted().allMatch(z -> z > from);
    get(later.close());
    get(c.close());
  }

  @Test
  void sessionIsReportedExpiredWhenNoNodeComesBack() throws Exception {
    int portA = ServerProcess.freePort();
    int portB = ServerProcess.freePort();
    ServerProcess a = start(tmp.resolve("data"), portA);
    CoordinationClient c = get(CoordinationClient.connectBridge(vertx,
        List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB), ClientOptions.defaults().withSessionTimeout(3_000)));
    assertThat(c.sessionTimeoutMs()).isEqualTo(3_000);
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    List<String> lost = new CopyOnWriteArrayList<>();
    c.connectionStateHandler(states::add).sessionLostHandler(lost::add);
    get(c.create("/e", NONE, CreateMode.EPHEMERAL));

    a.kill9();
    long killed = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).until(() -> states.contains(ConnectionState.EXPIRED));
    long after = elapsedMs(killed);
    assertThat(states).containsExactly(ConnectionState.DISCONNECTED, ConnectionState.EXPIRED);
    assertThat(lost).containsExactly("unreachable");
    // the last heartbeat was at most a third of the timeout before the kill
    assertThat(after).isBetween(1_500L, 8_000L);
    assertThat(failure(c.getData("/e", false)).code()).isEqualTo(ErrorCode.SESSION_EXPIRED);
    get(c.close());
  }

  @Test
  void minZxidHoldsARequestUntilTheNodeHasAppliedIt() throws Exception {
    int port = ServerProcess.freePort();
    start(tmp.resolve("data"), port);
    Transport t = get(BridgeTransport.connect(vertx, "127.0.0.1", port, ClientOptions.defaults()));
    long now = get(t.request(new JsonObject().put("op", "info"))).getLong("zxid");

    // reachable: the read waits for the write that follows it on the same connection
    Future<JsonObject> read = t.request(new JsonObject().put("op", "getData").put("path", "/m")
        .put("minZxid", now + 1));
    JsonObject created = get(t.request(new JsonObject().put("op", "create").put("path", "/m").put("text", "x")));
    assertThat(created.getLong("zxid")).isGreaterThan(now);
    JsonObject served = get(read);
    assertThat(served.getString("data")).isEqualTo("eA==");
    assertThat(served.getLong("zxid")).isGreaterThanOrEqualTo(now + 1);

    // far in the future: NotReady after the bound
    long t0 = System.nanoTime();
    BatonException e = failure(t.request(new JsonObject().put("op", "exists").put("path", "/m")
        .put("minZxid", served.getLong("zxid") + 1_000_000)));
    assertThat(e.code()).isEqualTo(ErrorCode.NOT_READY);
    assertThat(e.getMessage()).contains("minZxid");
    assertThat(elapsedMs(t0)).isBetween(4_500L, 10_000L);

    assertThat(failure(t.request(new JsonObject().put("op", "exists").put("path", "/m").put("minZxid", "soon")))
        .code()).isEqualTo(ErrorCode.BAD_ARGUMENTS);
    get(t.close());
  }

  private static List<String> nodeChanges(List<ChangeEvent> changes) {
    return changes.stream()
        .filter(e -> e.kind() != ChangeEvent.Kind.SESSION_OPENED && e.kind() != ChangeEvent.Kind.SESSION_CLOSED)
        .filter(e -> !e.path().startsWith("/baton"))
        .map(e -> e.kind() + " " + e.path())
        .toList();
  }

  private static List<String> eventsOf(List<WatchEvent> events) {
    return events.stream().map(e -> e.type() + " " + e.path()).toList();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long elapsedMs(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static BatonException failure(Future<?> f) throws Exception {
    try {
      Object v = get(f);
      throw new AssertionError("expected a failure, got " + v);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(BatonException.class);
      return (BatonException) e.getCause();
    }
  }
}
