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
        new Object[] {valid().put("topics", "baton"), "'topics' must be an object"},
        new Object[] {valid().put("adminport", 8191), "'adminport'"},
        new Object[] {valid().put("adminPort", "8191"), "'adminPort' must be a whole number"},
        new Object[] {valid().put("adminPort", 70000), "'adminPort' must be -1"},
        new Object[] {valid().put("adminReadyMaxLagMs", 1.5), "'adminReadyMaxLagMs' must be a whole number"},
        new Object[] {valid().put("adminTls", new JsonObject().put("certPath", "/no/such.crt").put("keyPath", "k")),
            "adminTls"},
        new Object[] {valid().put("adminTls", new JsonObject().put("port", 1)), "adminTls.port"},
        // '#' names the second producer's transactional id: no bridge id may hold it
        new Object[] {valid().put("bridgeId", "orders#2"), "bridgeId must be 1 to 200 letters"},
        new Object[] {valid().put("bridgeId", ""), "bridgeId must be 1 to 200 letters"},
        new Object[] {valid().put("bridgeId", "x".repeat(201)), "bridgeId must be 1 to 200 letters"});
    for (Object[] b : bad) {
      assertThatThrownBy(() -> new BridgeConfig((JsonObject) b[0])).as("%s", b[0])
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining((String) b[1]);
    }
  }

  @Test
  void adminPortKeysAndFlag() {
    BridgeConfig none = new BridgeConfig(valid());
    assertThat(none.adminPort()).isNull();
    assertThat(none.adminHost()).isEqualTo("127.0.0.1");
    assertThat(none.adminReadyMaxLagMs()).isEqualTo(30_000);
    assertThat(none.adminServer().isSsl()).isFalse();
    BridgeConfig set = new BridgeConfig(valid().put("adminPort", 9000).put("adminHost", "0.0.0.0")
        .put("adminReadyMaxLagMs", 5000));
    assertThat(set.adminPort()).isEqualTo(9000);
    assertThat(set.adminHost()).isEqualTo("0.0.0.0");
    assertThat(set.adminReadyMaxLagMs()).isEqualTo(5000);
    assertThat(BridgeMain.parse(new String[] {"--admin-port", "-1"}).getInteger("adminPort")).isEqualTo(-1);
    assertThatThrownBy(() -> BridgeMain.parse(new String[] {"--admin-port", "x"}))
        .hasMessageContaining("--admin-port must be a number");
    assertThat(BridgeMain.USAGE).contains("--admin-port");
  }

  @Test
  void sessionEventsHaveTheirOwnDefaultTopic() {
    BridgeConfig c = new BridgeConfig(valid());
    assertThat(c.sessionsTopic()).isEqualTo("baton.sessions");
    assertThat(new BridgeConfig(valid().put("topics", new JsonObject().put("sessions", "s"))).sessionsTopic())
        .isEqualTo("s");
  }
}
