package io.baton.vertx.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.replication.ClusterConfig;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The peer port refuses what is not a member's well-formed frames, and keeps serving members. */
class NetPeerNetworkTest {
  private static final int MAGIC = 0x4241544E;

  private final Vertx vertx = Vertx.vertx();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private int port;

  @BeforeEach
  void setUp() throws Exception {
    port = ServerProcess.freePort();
    ClusterConfig cluster = new ClusterConfig(Map.of(
        1L, new ClusterConfig.Member(1, "127.0.0.1", port, 1),
        2L, new ClusterConfig.Member(2, "127.0.0.1", ServerProcess.freePort(), 2)), 100, 10, 0);
    Promise<NetPeerNetwork> listening = Promise.promise();
    vertx.runOnContext(v -> {
      NetPeerNetwork n = new NetPeerNetwork(vertx, 1, cluster, new NetServerOptions(), new NetClientOptions());
      n.receiver((from, frame) -> received.add(from + ":" + new String(frame)));
      n.listen().onComplete(listening);
    });
    listening.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Sends {@code bytes} on a new connection; true if the node closed it. */
  private boolean closedAfter(Buffer bytes) throws Exception {
    NetSocket s = vertx.createNetClient().connect(port, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    AtomicBoolean closed = new AtomicBoolean();
    s.closeHandler(v -> closed.set(true));
    s.write(bytes);
    try {
      await().atMost(Duration.ofSeconds(5)).untilTrue(closed);
      return true;
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      s.close();
      return false;
    }
  }

  private static Buffer hello(long id) {
    return Buffer.buffer().appendInt(12).appendInt(MAGIC).appendLong(id);
  }

  private static Buffer frame(String text) {
    return Buffer.buffer().appendInt(text.length()).appendString(text);
  }

  @Test
  void strangersAndMalformedFramesAreCutOffAndMembersStillGetThrough() throws Exception {
    assertThat(closedAfter(Buffer.buffer("GET / HTTP/1.1\r\n\r\n"))).as("not a hello").isTrue();
    assertThat(closedAfter(hello(7).appendBuffer(frame("x")))).as("not a member").isTrue();
    assertThat(closedAfter(hello(1).appendBuffer(frame("x")))).as("itself").isTrue();
    assertThat(closedAfter(hello(2).appendInt(0))).as("empty frame").isTrue();
    assertThat(closedAfter(hello(2).appendInt(Integer.MAX_VALUE))).as("oversized frame").isTrue();
    assertThat(received).isEmpty();

    assertThat(closedAfter(hello(2).appendBuffer(frame("one")).appendBuffer(frame("two")))).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
    assertThat(received).containsExactly("2:one", "2:two");
  }
}
