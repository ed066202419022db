package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import org.awaitility.Awaitility;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster manager across the loss of its Baton connection (a proxy cut in front of the Baton node):
 * a reconnect with the same session hides nothing that happened meanwhile, and a lost session makes the
 * node leave and join again with its registrations.
 */
class FailoverTest {
  private final List<BatonClusterManager> managers = new ArrayList<>();
  private Vertx vertx;
  private CutProxy proxy;

  @BeforeEach
  void start() throws Exception {
    BatonTestNode.newCluster();
    vertx = Vertx.vertx();
    proxy = new CutProxy(BatonTestNode.port());
  }

  @AfterEach
  void stop() throws Exception {
    for (BatonClusterManager m : managers) {
      await(leave(m));
    }
    proxy.close();
    await(vertx.close());
  }

  @Test
  void joinsAndLeavesDuringADisconnectionAreReportedAfterTheReconnect() throws Exception {
    BatonClusterManager a = join(BatonTestNode.options().withServers(List.of("127.0.0.1:" + proxy.port()))
        .withSessionTimeout(15_000));
    Events events = new Events();
    a.nodeListener(events);
    a.registrationListener(events);
    BatonClusterManager b = join(BatonTestNode.options());
    BatonClusterManager c = join(BatonTestNode.options());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.log.contains("added " + c.getNodeId()));

    proxy.cut();
    await(leave(c));
    BatonClusterManager d = join(BatonTestNode.options());
    Promise<Void> added = Promise.promise();
    b.addRegistration("orders", new RegistrationInfo(b.getNodeId(), 1, false), added);
    await(added.future());
    Thread.sleep(1_000);
    assertThat(events.log).doesNotContain("left " + c.getNodeId(), "added " + d.getNodeId());
    proxy.restore();

    Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(events.log)
          .contains("left " + c.getNodeId(), "added " + d.getNodeId(), "orders [" + b.getNodeId() + "]");
      assertThat(a.getNodes()).containsExactlyInAnyOrder(a.getNodeId(), b.getNodeId(), d.getNodeId());
    });
    assertThat(events.log).doesNotContain("lost");
  }

  @Test
  void aLostSessionMakesTheNodeLeaveAndJoinAgainWithItsRegistrations() throws Exception {
    BatonClusterManager a = join(BatonTestNode.options().withServers(List.of("127.0.0.1:" + proxy.port()))
        .withSessionTimeout(2_000));
    Events aEvents = new Events();
    a.registrationListener(aEvents);
    BatonClusterManager b = join(BatonTestNode.options());
    Events bEvents = new Events();
    b.nodeListener(bEvents);
    Promise<Void> added = Promise.promise();
    a.addRegistration("orders", new RegistrationInfo(a.getNodeId(), 7, false), added);
    await(added.future());

    proxy.cut();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> bEvents.log.contains("left " + a.getNodeId()));
    assertThat(registrations(b, "orders")).isEmpty();

    proxy.restore();
    Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(bEvents.log).endsWith("added " + a.getNodeId());
      assertThat(registrations(b, "orders")).containsExactly(new RegistrationInfo(a.getNodeId(), 7, false));
      assertThat(aEvents.log).contains("lost");
    });
    assertThat(a.isActive()).isTrue();
  }

  private BatonClusterManager join(BatonClusterOptions options) throws Exception {
    BatonClusterManager m = new BatonClusterManager(options);
    m.init(vertx);
    Promise<Void> joined = Promise.promise();
    m.join(joined);
    await(joined.future());
    Promise<Void> info = Promise.promise();
    m.setNodeInfo(new NodeInfo("127.0.0.1", 1234, new JsonObject()), info);
    await(info.future());
    managers.add(m);
    return m;
  }

  private static Future<Void> leave(BatonClusterManager m) {
    Promise<Void> left = Promise.promise();
    m.leave(left);
    return left.future();
  }

  private static List<RegistrationInfo> registrations(BatonClusterManager m, String address) throws Exception {
    Promise<List<RegistrationInfo>> p = Promise.promise();
    m.getRegistrations(address, p);
    return await(p.future());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** What a node's listeners heard, in order. */
  private static final class Events implements NodeListener, RegistrationListener {
    final List<String> log = new CopyOnWriteArrayList<>();

    @Override
    public void nodeAdded(String nodeID) {
      log.add("added " + nodeID);
    }

    @Override
    public void nodeLeft(String nodeID) {
      log.add("left " + nodeID);
    }

    @Override
    public boolean wantsUpdatesFor(String address) {
      return true;
    }

    @Override
    public void registrationsUpdated(RegistrationUpdateEvent event) {
      log.add(event.address() + " " + event.registrations().stream().map(RegistrationInfo::nodeId).toList());
    }

    @Override
    public void registrationsLost() {
      log.add("lost");
    }
  }
}
