package io.baton.kafka.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.kafka.BridgeConfig;
import io.baton.schemas.event.BatonEvent;
import io.baton.schemas.event.EventKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
  static BatonEvent e(EventKind kind, String path) {
    return BatonEvent.newBuilder().setZxid(1).setTime(1).setKind(kind).setPath(path).build();
  }

  static String topic(Router r, EventKind kind, String path) {
    Route route = r.route(e(kind, path));
    return route == null ? null : route.topic();
  }

  @Test
  void defaultsSendDerivedEventsToMembershipSessionEventsToSessionsAndTheRestToEvents() {
    BridgeConfig c = new BridgeConfig(new JsonObject().put("producer",
        new JsonObject().put("bootstrap.servers", "x:1")));
    Router r = new Router(c.routes());
    assertThat(topic(r, EventKind.NODE_CREATED, "/a")).isEqualTo("baton.events");
    assertThat(topic(r, EventKind.SESSION_OPENED, null)).isEqualTo("baton.sessions");
    assertThat(topic(r, EventKind.SESSION_EXPIRED, null)).isEqualTo("baton.sessions");
    assertThat(topic(r, EventKind.MEMBER_JOINED, "/baton/groups/g/members/m")).isEqualTo("baton.membership");
    assertThat(topic(r, EventKind.LOCK_GRANTED, "/baton/locks/l/lock-0000000001")).isEqualTo("baton.membership");
    assertThat(r.resyncPrefixes()).containsOnlyKeys("/");
    assertThat(r.resyncPrefixes().get("/")).containsExactly("baton.membership", "baton.sessions", "baton.events");
  }

  @Test
  void prefixesMatchWholeSegmentsFirstRuleWinsAndNullTopicDrops() {
    Router r = new Router(List.of(
        new Route("/app/secret", null, null, true),
        new Route("/app", EnumSet.of(EventKind.NODE_DATA_CHANGED), "changes", false),
        new Route("/app", null, "app", true)));
    assertThat(topic(r, EventKind.NODE_CREATED, "/app")).isEqualTo("app");
    assertThat(topic(r, EventKind.NODE_DATA_CHANGED, "/app/x")).isEqualTo("changes");
    assertThat(topic(r, EventKind.NODE_CREATED, "/app/secret/k")).isNull();
    assertThat(topic(r, EventKind.NODE_CREATED, "/apple")).isNull();
    assertThat(topic(r, EventKind.SESSION_OPENED, null)).isNull();
    assertThat(r.resyncPrefixes()).containsOnlyKeys("/app");
    assertThat(r.resyncPrefixes().get("/app")).isEqualTo(Set.of("changes", "app"));
  }

  @Test
  void configRoutesParseKindsAndRejectBadInput() {
    JsonObject base = new JsonObject().put("producer", new JsonObject().put("bootstrap.servers", "x:1"));
    BridgeConfig c = new BridgeConfig(base.copy().put("routes", new JsonArray()
        .add(new JsonObject().put("prefix", "/g").put("kinds", new JsonArray().add("DERIVED").add("NODE_DELETED"))
            .put("topic", "t").put("includeData", false))));
    Route only = c.routes().get(0);
    assertThat(only.kinds()).contains(EventKind.MEMBER_LEFT, EventKind.LEADER_LOST, EventKind.NODE_DELETED)
        .doesNotContain(EventKind.NODE_CREATED);
    assertThat(only.includeData()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BridgeConfig(base.copy().put("routes",
        new JsonArray().add(new JsonObject().put("prefix", "/g/").put("topic", "t")))))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BridgeConfig(base.copy().put("routes",
        new JsonArray().add(new JsonObject().put("kinds", new JsonArray().add("NOPE"))))))
        .hasMessageContaining("NOPE");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BridgeConfig(new JsonObject()))
        .hasMessageContaining("bootstrap.servers");
  }
}
