package io.baton.vertx;

import static io.baton.vertx.TestSupport.await;
import static io.baton.vertx.TestSupport.batonFailure;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.MultiException;
import io.baton.vertx.launcher.Main;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client over the TCP event-bus bridge of a node started by {@link Main}, from another Vert.x instance. */
class BridgeClientTest {
  @TempDir
  Path dataDir;

  private Vertx server;
  private Vertx remote;
  private int port;
  private CoordinationClient local;
  private CoordinationClient client;

  @BeforeEach
  void start() throws Exception {
    server = Vertx.vertx();
    int wanted = TestSupport.freePort();
    port = await(Main.start(server, TestSupport.config(dataDir, "group").put("bridgePort", wanted)));
    assertThat(port).isEqualTo(wanted);
    local = await(CoordinationClient.connect(server, ClientOptions.defaults()));
    remote = Vertx.vertx();
    client = await(CoordinationClient.connectBridge(remote, "127.0.0.1", port, ClientOptions.defaults()));
  }

  @AfterEach
  void stop() throws Exception {
    await(remote.close());
    await(server.close());
  }

  @Test
  void readsWritesAndErrorCodesOverTheBridge() throws Exception {
    assertThat(await(client.create("/b", "over tcp".getBytes(UTF_8), CreateMode.PERSISTENT))).isEqualTo("/b");
    NodeData d = await(client.getData("/b", false));
    assertThat(new String(d.data(), UTF_8)).isEqualTo("over tcp");
    assertThat(await(local.getData("/b", false)).stat()).isEqualTo(d.stat());
    assertThat(await(client.setData("/b", new byte[] {1, 2, 3}, 0)).version()).isEqualTo(1);
    assertThat(await(client.getChildren("/", false)).names()).containsExactly("b", "zookeeper");
    assertThat(await(client.exists("/none", false))).isNull();

    assertThat(batonFailure(client.getData("/none", false), ErrorCode.NO_NODE).getMessage())
        .isEqualTo("NoNode: /none");
    batonFailure(client.create("/b", null, CreateMode.PERSISTENT), ErrorCode.NODE_EXISTS);
    batonFailure(client.setData("/b", null, 0), ErrorCode.BAD_VERSION);
    batonFailure(client.create("b", null, CreateMode.PERSISTENT), ErrorCode.INVALID_PATH);
    batonFailure(client.request(new JsonObject().put("op", "nope")), ErrorCode.UNIMPLEMENTED);

    MultiException e = (MultiException) batonFailure(client.multi(List.of(
        new Op.Create("/c", null, CreateMode.PERSISTENT, 0, false),
        new Op.Check("/b", 0))), ErrorCode.BAD_VERSION);
    assertThat(e.failedIndex()).isEqualTo(1);
    assertThat(e.results()).hasSize(2);
    assertThat(((OpResult.Error) e.results().get(1)).code()).isEqualTo(ErrorCode.BAD_VERSION);
    assertThat(await(client.exists("/c", false))).isNull();

    await(client.sync("/"));
    assertThat(await(client.request(new JsonObject().put("op", "info"))).getInteger("protocol")).isEqualTo(1);
  }

  @Test
  void watchNotificationsArriveOverTheBridge() throws Exception {
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    client.watchHandler(events::add);
    await(client.create("/w", null, CreateMode.PERSISTENT));
    await(client.getData("/w", true));
    Stat s = await(local.setData("/w", "x".getBytes(UTF_8), -1));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events.get(0)).isEqualTo(new WatchEvent(EventType.NodeDataChanged, "/w", s.mzxid()));

    await(client.addWatch("/w", AddWatchMode.PERSISTENT_RECURSIVE));
    await(local.create("/w/child", null, CreateMode.PERSISTENT));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
    assertThat(events.get(1).type()).isEqualTo(EventType.NodeCreated);
    assertThat(events.get(1).path()).isEqualTo("/w/child");

    List<ChangeEvent> changes = new CopyOnWriteArrayList<>();
    await(client.openChangeStream(0, changes::add));
    await().atMost(Duration.ofSeconds(5)).until(() -> changes.stream()
        .anyMatch(c -> "/w/child".equals(c.path()) && c.kind() == ChangeEvent.Kind.NODE_CREATED));
  }

  @Test
  void closingTheBridgeClientRemovesItsEphemerals() throws Exception {
    await(client.create("/members", null, CreateMode.PERSISTENT));
    String me = await(client.create("/members/m-", "host1".getBytes(UTF_8), CreateMode.EPHEMERAL_SEQUENTIAL));
    assertThat(me).isEqualTo("/members/m-0000000000");
    Stat st = await(local.exists(me, true));
    assertThat(st.ephemeralOwner()).isEqualTo(client.sessionId());
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    local.watchHandler(events::add);

    await(client.close());
    assertThat(await(local.getChildren("/members", false)).names()).isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events.get(0).type()).isEqualTo(EventType.NodeDeleted);
    batonFailure(client.getData("/members", false), ErrorCode.SYSTEM_ERROR);
  }

  @Test
  void unreachableBridgeFailsWithSystemError() throws Exception {
    int closed = TestSupport.freePort();
    batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", closed, ClientOptions.defaults()),
        ErrorCode.SYSTEM_ERROR);
  }

  @Test
  void refusedAddressFailsFastInsteadOfTimingOut() throws Exception {
    long t0 = System.nanoTime();
    ClientOptions wrong = new ClientOptions("not-baton", 10_000, 30_000);
    assertThat(batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", port, wrong),
        ErrorCode.SYSTEM_ERROR).getMessage()).contains("access_denied");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }
}
