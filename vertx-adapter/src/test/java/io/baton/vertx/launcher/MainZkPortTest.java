package io.baton.vertx.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The launcher's ZooKeeper port settings: ZooKeeper's 2181 for a lone node unless told otherwise. */
class MainZkPortTest {
  @Test
  void aLoneNodeServesZooKeeperClientsOn2181ByDefault() throws Exception {
    assertThat(Main.parse(new String[0]).getInteger("zkPort")).isEqualTo(2181);
    assertThat(Main.parse(new String[] {"--zk-port", "2281"}).getInteger("zkPort")).isEqualTo(2281);
    assertThat(Main.parse(new String[] {"--zk-port", "-1"}).getInteger("zkPort")).isEqualTo(-1);
  }
}
