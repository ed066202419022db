package io.baton.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bridge configuration with a typo or a value of the wrong type is refused naming the key. */
class BridgeConfigTest {
  private static JsonObject valid() {
    return new JsonObject().put("producer", new JsonObject().put("bootstrap.servers", "127.0.0.1:9092"));
  }

  @Test
  void unknownKeysAndWrongTypesAreRefusedNamingTheKey() {
    List<Object[]> bad = List.of(
        new Object[] {valid().put("bridgeid", "x"), "'bridgeid'"},
        new Object[] {valid().put("topics", new JsonObject().put("event", "e")), "'topics.event'"},
        new Object[] {valid().put("baton", new JsonObject().put("hostname", "h")), "'baton.hostname'"},
        new Object[] {valid().put("ingress", new JsonObject().put("enable", true)), "'ingress.enable'"},
        new Object[] {valid().put("routes", new JsonArray().add(new JsonObject().put("prefx", "/a"))),
            "'routes[0].prefx'"},
        new Object[] {valid().put("maxBatchEntries", "100"), "'maxBatchEntries' must be a whole number"},
        new Object[] {valid().put("createTopics", "yes"), "'createTopics' must be true or false"},
        new Object[] {valid().put("baton", new JsonObject().put("port", 7181.5)), "'baton.port' must be a whole number"},
        new Object[] {valid().put("topics", "baton"), "'topics' must be an object"});
    for (Object[] b : bad) {
      assertThatThrownBy(() -> new BridgeConfig((JsonObject) b[0])).as("%s", b[0])
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining((String) b[1]);
    }
  }

  @Test
  void sessionEventsHaveTheirOwnDefaultTopic() {
    BridgeConfig c = new BridgeConfig(valid());
    assertThat(c.sessionsTopic()).isEqualTo("baton.sessions");
    assertThat(new BridgeConfig(valid().put("topics", new JsonObject().put("sessions", "s"))).sessionsTopic())
        .isEqualTo("s");
  }
}
