package io.baton.vertx.attack;

import static io.baton.vertx.attack.OversizeAttackTest.BIG_FRAMES;
import static io.baton.vertx.attack.OversizeAttackTest.await;
import static io.baton.vertx.attack.OversizeAttackTest.fiveWrites;
import static io.baton.vertx.attack.OversizeAttackTest.hugePathCreate;
import static io.baton.vertx.attack.OversizeAttackTest.refusal;
import static io.baton.vertx.attack.OversizeAttackTest.rootChildren;
import static io.baton.vertx.attack.OversizeAttackTest.seventeenMebibyteMulti;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.baton.vertx.cluster.ClusterProcesses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oversized writes of {@link OversizeAttackTest} sent to the leader of a 3-node cluster of real
 * processes (default Raft timing): refused with TooLarge, no leader step-down (every node keeps the
 * term and the leader), later writes through a follower committed everywhere and kept across the
 * leader's {@code kill -9}.
 */
class OversizeClusterAttackTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aClusterLeaderRefusesThemWithoutSteppingDown() throws Exception {
    try (ClusterProcesses cluster = new ClusterProcesses(vertx, tmp, 3, "group",
        "", ClusterProcesses.direct(), BIG_FRAMES).startAll()) {
      int leader = cluster.awaitLeader(cluster.ids(), 30_000);
      long term = cluster.info(leader).getLong("term");
      Transport t = await(BridgeTransport.connect(vertx, "127.0.0.1", cluster.clientPort(leader),
          ClientOptions.defaults()));
      assertThat(refusal(t, seventeenMebibyteMulti())).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(refusal(t, hugePathCreate())).isEqualTo(ErrorCode.TOO_LARGE);
      await(t.close());
      int follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
      Transport f = await(BridgeTransport.connect(vertx, "127.0.0.1", cluster.clientPort(follower),
          ClientOptions.defaults()));
      fiveWrites(f);
      await(f.close());
      cluster.awaitConverged(cluster.ids(), 30_000);
      for (int id : cluster.ids()) {
        JsonObject info = cluster.info(id);
        assertThat(info.getLong("term")).as("term at node %d", id).isEqualTo(term);
        assertThat(info.getLong("leader")).as("leader seen by node %d", id).isEqualTo(leader);
      }
      cluster.server(leader).kill9();
      cluster.server(leader).start();
      cluster.awaitConverged(cluster.ids(), 30_000);
      Transport check = await(BridgeTransport.connect(vertx, "127.0.0.1", cluster.clientPort(leader),
          ClientOptions.defaults()));
      assertThat(rootChildren(check)).containsExactlyInAnyOrder("after-0", "after-1", "after-2", "after-3",
          "after-4", "zookeeper"); // and ZooKeeper's built-in node
      await(check.close());
    }
  }
}
