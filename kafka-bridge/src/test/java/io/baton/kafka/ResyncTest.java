package io.baton.kafka;

import static io.baton.kafka.KafkaBridgeTest.b;
import static io.baton.kafka.KafkaBridgeTest.text;
import static io.baton.kafka.support.InProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.kafka.support.TopicReader;
import io.baton.kafka.support.TopicReader.Rec;
import io.baton.schemas.event.BatonEvent;
import io.baton.schemas.event.EventKind;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The log is purged past the bridge's checkpoint while the bridge is down (one-second log cycles,
 * one snapshot kept): on restart the stream fails with Compacted, and the bridge publishes the
 * state of its routed prefixes as resync records, then goes on with live events.
 */
class ResyncTest extends BrokerNodeTest {
  @Test
  void purgedCheckpointGivesAResyncOfTheRoutedPrefixesThenLiveEvents() throws Exception {
    node = new InProcess().startNode(dir.resolve("data"), new JsonObject().put("rollCycle", "TEST_SECONDLY")
        .put("snapshotEveryEntries", 0).put("snapshotsRetained", 1).put("snapshotMinIntervalMs", 0));
    JsonObject config = KafkaFixture.bridgeConfig("resync").put("routes", new JsonArray()
        .add(new JsonObject().put("prefix", "/keep").put("topic", "resync.events"))
        .add(new JsonObject().put("prefix", "/baton/groups").put("kinds", new JsonArray().add("DERIVED"))
            .put("topic", "resync.membership")));
    node.startBridge(config);
    CoordinationClient c = node.client();
    await(c.create("/keep", b("k"), CreateMode.PERSISTENT));
    await(c.create("/keep/a", b("a1"), CreateMode.PERSISTENT));
    await(c.create("/keep/b", b("b1"), CreateMode.PERSISTENT));
    await(Recipes.of(c).group("g").join("m1", null));
    node.awaitCaughtUp(c, Duration.ofSeconds(30));
    long checkpoint = node.bridge().bridge().committedZxid();
    node.stopBridge();

    // while the bridge is away: changes, then the log is purged past its checkpoint
    await(c.setData("/keep/a", b("a2"), -1));
    await(c.delete("/keep/b", -1));
    await(c.create("/other", b("not routed"), CreateMode.PERSISTENT));
    CoordinationClient member2 = node.client();
    await(Recipes.of(member2).group("g").join("m2", new JsonObject().put("x", 1)));
    for (int i = 0; i < 3; i++) {
      Thread.sleep(1_100);
      await(c.create("/keep/c" + i, b("c" + i), CreateMode.PERSISTENT));
      await(c.request(new JsonObject().put("op", "snapshot")));
    }
    long horizon = await(c.request(new JsonObject().put("op", "info"))).getLong("logHorizon");
    assertThat(horizon).as("log purged past the checkpoint").isGreaterThan(checkpoint);
    long before = TopicReader.raw(kafka.bootstrap(), "resync.events").size();

    node.startBridge(config);
    node.awaitCaughtUp(c, Duration.ofSeconds(30));
    await(c.create("/keep/live", b("after"), CreateMode.PERSISTENT));
    await(member2.close());
    node.awaitCaughtUp(c, Duration.ofSeconds(30));

    List<BatonEvent> events = TopicReader.events(kafka.bootstrap(), "resync.events").stream().map(Rec::event)
        .skip(before).toList();
    assertThat(events.stream().map(e -> e.getKind() + " " + e.getPath() + " " + text(e) + " " + e.getResync()
        + (e.getKind() == EventKind.RESYNC ? " " + e.getCause() : "")).toList()).containsExactly(
        "RESYNC /keep null true BEGIN",
        "NODE_CREATED /keep k true",
        "NODE_CREATED /keep/a a2 true",
        "NODE_CREATED /keep/c0 c0 true",
        "NODE_CREATED /keep/c1 c1 true",
        "NODE_CREATED /keep/c2 c2 true",
        "RESYNC /keep null true END",
        "NODE_CREATED /keep/live after false");
    BatonEvent a = events.get(2);
    assertThat(a.getVersion()).isEqualTo(1);
    long resyncZxid = events.get(0).getZxid();
    assertThat(events.subList(0, 7)).allSatisfy(e -> assertThat(e.getZxid()).isEqualTo(resyncZxid));
    assertThat(events.get(7).getZxid()).isGreaterThan(resyncZxid);

    List<String> membership = TopicReader.events(kafka.bootstrap(), "resync.membership").stream().map(Rec::event)
        .map(e -> e.getKind() + " " + (e.getKind() == EventKind.RESYNC ? e.getCause() : e.getMemberId()) + " "
            + e.getResync()).toList();
    assertThat(membership).containsExactly(
        "MEMBER_JOINED m1 false",
        "RESYNC BEGIN true",
        "MEMBER_JOINED m1 true",
        "MEMBER_JOINED m2 true",
        "RESYNC END true",
        "MEMBER_LEFT m2 false");
    JsonObject status = node.bridge().status();
    assertThat(status.getInteger("resyncs")).isEqualTo(1);
    assertThat(status.getString("state")).isEqualTo("RUNNING");
  }
}
