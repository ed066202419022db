package io.baton.vertx.spi.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatonClusterOptionsTest {

  @Test
  void jsonKeysOverrideTheDefaults() {
    BatonClusterOptions o = BatonClusterOptions.fromJson(new JsonObject()
        .put("servers", new JsonArray().add("10.0.0.1:7181").add("10.0.0.2:7181"))
        .put("sessionTimeoutMs", 4000).put("requestTimeoutMs", 5000).put("prefix", "/vertx/orders")
        .put("address", "coord").put("digest", "app:secret").put("clusterHost", "10.0.0.9"));
    assertThat(o.servers()).containsExactly("10.0.0.1:7181", "10.0.0.2:7181");
    assertThat(o.sessionTimeoutMs()).isEqualTo(4000);
    assertThat(o.prefix()).isEqualTo("/vertx/orders");
    assertThat(o.digest()).isEqualTo("app:secret");
    assertThat(o.clusterHost()).isEqualTo("10.0.0.9");
    assertThat(o.clientOptions().address()).isEqualTo("coord");
    assertThat(o.clientOptions().requestTimeoutMs()).isEqualTo(5000);
    assertThat(o.clientOptions().tls()).isNull();
  }

  @Test
  void absentKeysKeepTheDefaults() {
    BatonClusterOptions o = BatonClusterOptions.fromJson(new JsonObject());
    assertThat(o.servers()).containsExactly("127.0.0.1:7181");
    assertThat(o.prefix()).isEqualTo(BatonClusterOptions.DEFAULT_PREFIX);
    assertThat(o.sessionTimeoutMs()).isEqualTo(10_000);
    assertThat(o.embedded()).isNull();
  }

  @Test
  void aPrefixMustBeAnAbsolutePathOutsideBatonsOwnTrees() {
    for (String bad : List.of("vertx", "/", "/vertx/", "/a//b", "/baton/x", "/zookeeper")) {
      assertThatThrownBy(() -> BatonClusterOptions.defaults().withPrefix(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> BatonClusterOptions.defaults().withServers(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
