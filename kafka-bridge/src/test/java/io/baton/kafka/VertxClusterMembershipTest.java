package io.baton.kafka;

import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.kafka.support.ChildProcess;
import io.baton.kafka.support.ClusteredVertxMain;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.kafka.support.TopicReader.Rec;
import io.baton.schemas.event.BatonEvent;
import io.baton.schemas.event.EventKind;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.baton.vertx.spi.cluster.BatonClusterManager;
import io.baton.vertx.spi.cluster.BatonClusterOptions;
import io.baton.vertx.spi.cluster.impl.Layout;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Vert.x cluster of {@code BatonClusterManager} nodes as the bridge publishes it to a real broker: each
 * node's join is a {@code MEMBER_JOINED} of the cluster's Baton group, a node closed is a {@code MEMBER_LEFT}
 * caused by {@code SESSION_CLOSED}, and a node killed with {@code kill -9} (a child JVM) one caused by
 * {@code SESSION_EXPIRED}.
 */
class VertxClusterMembershipTest extends BrokerNodeTest {
  private static final String PREFIX = "/vertx-kafka";
  private static final int KILLED_SESSION_TIMEOUT_MS = 2_000;
  @Test
  void joinsAndLeavesOfVertxNodesAreMembershipRecords() throws Exception {
    node = new InProcess();
    int port = await(Main.start(node.vertx, new JsonObject().put("dataDir", dir.resolve("data").toString())
        .put("durability", "none").put("bridgePort", 0).put("bridgeHost", "127.0.0.1").put("adminPort", -1)));
    node.startBridge(KafkaFixture.bridgeConfig("vertx"));
    BatonClusterOptions embedded = BatonClusterOptions.defaults().withEmbedded(node.vertx).withPrefix(PREFIX);
    Vertx a = await(Vertx.builder().withClusterManager(new BatonClusterManager(embedded)).buildClustered());
    Vertx b = await(Vertx.builder().withClusterManager(new BatonClusterManager(embedded)).buildClustered());
    BatonClusterManager aCm = clusterManager(a);
    String aId = aCm.getNodeId();
    String bId = clusterManager(b).getNodeId();
    String aSession = aCm.sessionId();
    String bSession = clusterManager(b).sessionId();
    String cId;
    try (ChildProcess c = new ChildProcess(ClusteredVertxMain.class.getName(), List.of("127.0.0.1:" + port, PREFIX,
        Integer.toString(KILLED_SESSION_TIMEOUT_MS)), dir.resolve("vertx-node.log"), ClusteredVertxMain.READY)) {
      c.start();
      String log = c.log();
      cId = log.substring(log.lastIndexOf(ClusteredVertxMain.READY) + ClusteredVertxMain.READY.length())
          .lines().findFirst().orElseThrow().strip();
      InProcess.waitFor(() -> aCm.getNodes().contains(cId), Duration.ofSeconds(10), () -> "A sees C join");
      await(b.close());
      c.kill9();
      InProcess.waitFor(() -> !aCm.getNodes().contains(cId), Duration.ofMillis(KILLED_SESSION_TIMEOUT_MS + 10_000),
          () -> "C's session expired");
    } finally {
      await(b.close());
      await(a.close());
    }
    CoordinationClient client = node.client();
    node.awaitCaughtUp(client, Duration.ofSeconds(30));

    Layout layout = new Layout(PREFIX);
    List<Rec> recs = TopicReader.events(kafka.bootstrap(), "vertx.membership").stream()
        .filter(r -> "group".equals(r.event().getRecipe())).toList();
    assertThat(recs).extracting(r -> line(r.event())).containsExactly(
        "MEMBER_JOINED " + aId + " null",
        "MEMBER_JOINED " + bId + " null",
        "MEMBER_JOINED " + cId + " null",
        "MEMBER_LEFT " + bId + " SESSION_CLOSED",
        "MEMBER_LEFT " + cId + " SESSION_EXPIRED",
        "MEMBER_LEFT " + aId + " SESSION_CLOSED");
    for (Rec r : recs) {
      BatonEvent e = r.event();
      assertThat(e.getName()).isEqualTo(layout.group());
      assertThat(r.key()).as("the group's directory").isEqualTo("/baton/groups/" + layout.group());
      assertThat(e.getPath()).isEqualTo(layout.members() + "/" + e.getMemberId());
    }
    assertThat(recs).filteredOn(r -> r.event().getMemberId().equals(aId))
        .extracting(r -> Protocol.hex(r.event().getSession())).containsOnly(aSession);
    assertThat(recs).filteredOn(r -> r.event().getMemberId().equals(bId))
        .extracting(r -> Protocol.hex(r.event().getSession())).containsOnly(bSession);
    long cSession = recs.stream().filter(r -> r.event().getMemberId().equals(cId)).findFirst().orElseThrow()
        .event().getSession();
    assertThat(TopicReader.events(kafka.bootstrap(), "vertx.sessions")).extracting(Rec::event)
        .filteredOn(e -> e.getKind() == EventKind.SESSION_EXPIRED).extracting(BatonEvent::getSession)
        .containsExactly(cSession);
  }

  /** "KIND memberId cause". */
  private static String line(BatonEvent e) {
    return e.getKind() + " " + e.getMemberId() + " " + e.getCause();
  }

  private static BatonClusterManager clusterManager(Vertx v) {
    return (BatonClusterManager) ((VertxInternal) v).clusterManager();
  }
}
