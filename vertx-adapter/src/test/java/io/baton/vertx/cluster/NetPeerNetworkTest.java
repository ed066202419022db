package io.baton.vertx.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.replication.ClusterConfig;
import io.baton.core.replication.ClusterSecret;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The peer port believes only a member that proves it holds the cluster secret on this very
 * connection, bounds what it reads before and after that, and keeps serving members.
 */
class NetPeerNetworkTest {
  private static final int MAGIC = 0x4241544E;
  private static final int MAX_FRAME = 64 << 10;
  private static final ClusterSecret SECRET = ClusterSecret.fromHex("5c".repeat(32));
  private static final ClusterSecret OTHER_SECRET = ClusterSecret.fromHex("5d".repeat(32));

  private final Vertx vertx = Vertx.vertx();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private int port;
  private int port2;

  @BeforeEach
  void setUp() throws Exception {
    port = ServerProcess.freePort();
    port2 = ServerProcess.freePort();
    NetPeerNetwork n = network(1, cluster(port, port2, SECRET));
    n.receiver((from, frame) -> received.add(from + ":" + new String(frame)));
    Promise<NetPeerNetwork> listening = Promise.promise();
    vertx.runOnContext(v -> n.listen().onComplete(listening));
    get(listening.future().toCompletionStage().toCompletableFuture());
  }

  @AfterEach
  void tearDown() throws Exception {
    get(vertx.close().toCompletionStage().toCompletableFuture());
  }

  private static ClusterConfig cluster(int port1, int port2, ClusterSecret secret) {
    return new ClusterConfig(Map.of(
        1L, new ClusterConfig.Member(1, "127.0.0.1", port1, 1),
        2L, new ClusterConfig.Member(2, "127.0.0.1", port2, 2)), 100, 10, 0, secret);
  }

  private NetPeerNetwork network(long id, ClusterConfig cluster) throws Exception {
    Promise<NetPeerNetwork> made = Promise.promise();
    vertx.runOnContext(v -> made.complete(new NetPeerNetwork(vertx, id, cluster, MAX_FRAME, new NetServerOptions(),
        new NetClientOptions())));
    return get(made.future().toCompletionStage().toCompletableFuture());
  }

  private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }

  /** A raw connection to node 1's peer port, with what it was sent and whether it was closed. */
  private final class Raw {
    final NetSocket socket;
    final Buffer in = Buffer.buffer();
    final AtomicBoolean closed = new AtomicBoolean();

    Raw() throws Exception {
      // handlers set on the socket's event loop as it connects: the nonce arrives at once
      Promise<NetSocket> connected = Promise.promise();
      vertx.runOnContext(v -> vertx.createNetClient().connect(port, "127.0.0.1").onSuccess(s -> {
        s.handler(b -> {
          synchronized (in) {
            in.appendBuffer(b);
          }
        });
        s.closeHandler(x -> closed.set(true));
      }).onComplete(connected));
      socket = get(connected.future().toCompletionStage().toCompletableFuture());
    }

    byte[] nonce() {
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        synchronized (in) {
          return in.length() >= ClusterSecret.PROOF_BYTES;
        }
      });
      synchronized (in) {
        assertThat(in.length()).as("the acceptor sends exactly a nonce").isEqualTo(ClusterSecret.PROOF_BYTES);
        return in.getBytes();
      }
    }

    Raw send(Buffer b) {
      socket.write(b);
      return this;
    }

    /** Whether node 1 closed the connection within {@code ms}. */
    boolean closedWithin(long ms) {
      try {
        await().atMost(Duration.ofMillis(ms)).untilTrue(closed);
        return true;
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        socket.close();
        return false;
      }
    }
  }

  private static Buffer hello(long id, byte[] proof) {
    return Buffer.buffer().appendInt(4 + 2 + 8 + proof.length).appendInt(MAGIC).appendShort((short) 1)
        .appendLong(id).appendBytes(proof);
  }

  private static Buffer frame(String text) {
    return Buffer.buffer().appendInt(text.length()).appendString(text);
  }

  @Test
  void aHelloWithoutProofOfTheSecretIsRefused() throws Exception {
    Raw legacy = new Raw();
    legacy.nonce();
    // the old hello: magic and a member id, trusted before
    assertThat(legacy.send(Buffer.buffer().appendInt(12).appendInt(MAGIC).appendLong(2)).send(frame("x"))
        .closedWithin(1_000)).isTrue();
    Raw noProof = new Raw();
    noProof.nonce();
    assertThat(noProof.send(hello(2, new byte[32])).send(frame("x")).closedWithin(1_000)).isTrue();
    Raw wrongKey = new Raw();
    assertThat(wrongKey.send(hello(2, OTHER_SECRET.prove(wrongKey.nonce(), 2, 1))).send(frame("x"))
        .closedWithin(1_000)).as("another cluster's secret").isTrue();
    Raw swapped = new Raw();
    assertThat(swapped.send(hello(2, SECRET.prove(swapped.nonce(), 1, 2))).send(frame("x")).closedWithin(1_000))
        .as("a proof for the other direction").isTrue();
    assertThat(received).isEmpty();
  }

  @Test
  void aHelloCapturedOnAnotherConnectionIsRefused() throws Exception {
    Raw original = new Raw();
    Buffer captured = hello(2, SECRET.prove(original.nonce(), 2, 1));
    Raw replay = new Raw();
    replay.nonce();
    assertThat(replay.send(captured).send(frame("replayed")).closedWithin(1_000)).isTrue();
    // the original connection, with its own nonce, is accepted
    assertThat(original.send(captured).send(frame("original")).closedWithin(500)).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    assertThat(received).containsExactly("2:original");
  }

  @Test
  void aHelloClaimingTheAcceptorsOwnIdOrAStrangersIsRefused() throws Exception {
    Raw self = new Raw();
    assertThat(self.send(hello(1, SECRET.prove(self.nonce(), 1, 1))).send(frame("x")).closedWithin(1_000))
        .isTrue();
    Raw stranger = new Raw();
    assertThat(stranger.send(hello(7, SECRET.prove(stranger.nonce(), 7, 1))).send(frame("x")).closedWithin(1_000))
        .isTrue();
    assertThat(received).isEmpty();
  }

  @Test
  void unauthenticatedBytesAreBoundedInSizeAndTime() throws Exception {
    Raw oversized = new Raw();
    oversized.nonce();
    // only the length of a 64 MiB frame: refused on its 4 bytes, before anything is buffered or times out
    assertThat(oversized.send(Buffer.buffer().appendInt(64 << 20)).closedWithin(1_000)).isTrue();
    Raw notHello = new Raw();
    notHello.nonce();
    assertThat(notHello.send(Buffer.buffer("GET / HTTP/1.1\r\n\r\n")).closedWithin(1_000)).isTrue();
    Raw silent = new Raw();
    silent.nonce();
    long start = System.nanoTime();
    assertThat(silent.closedWithin(NetPeerNetwork.HELLO_TIMEOUT_MS + 3_000)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(NetPeerNetwork.HELLO_TIMEOUT_MS - 500);
    Raw half = new Raw();
    half.nonce();
    assertThat(half.send(hello(2, SECRET.prove(new byte[32], 2, 1)).slice(0, 20))
        .closedWithin(NetPeerNetwork.HELLO_TIMEOUT_MS + 3_000)).as("half a hello").isTrue();
    assertThat(received).isEmpty();
  }

  @Test
  void anAuthenticatedMemberIsBoundedByTheMaximumFrame() throws Exception {
    Raw member = new Raw();
    member.send(hello(2, SECRET.prove(member.nonce(), 2, 1))).send(frame("ok"));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    assertThat(member.send(Buffer.buffer().appendInt(MAX_FRAME + 1)).closedWithin(1_000)).isTrue();
    assertThat(received).containsExactly("2:ok");
    Raw empty = new Raw();
    assertThat(empty.send(hello(2, SECRET.prove(empty.nonce(), 2, 1))).send(Buffer.buffer().appendInt(0))
        .closedWithin(1_000)).isTrue();
  }

  @Test
  void aMemberWithTheSecretLinksAndDelivers() throws Exception {
    NetPeerNetwork two = network(2, cluster(port, port2, SECRET));
    AtomicInteger n = new AtomicInteger();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      vertx.runOnContext(v -> two.send(1, ("m" + n.incrementAndGet()).getBytes()));
      return !received.isEmpty();
    });
    assertThat(received.get(0)).startsWith("2:m");
  }

  /**
   * A frame sent while the link is still being dialed goes out once it is made: the first messages of
   * an election between two followers (which had no reason to talk before) are not lost to the dial.
   */
  @Test
  void aFrameSentWhileTheLinkIsDialedGoesOutOnceItIsMade() throws Exception {
    NetPeerNetwork two = network(2, cluster(port, port2, SECRET));
    vertx.runOnContext(v -> two.send(1, "first".getBytes()));
    await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("2:first"));
  }

  /**
   * What one event-loop turn queues for a peer is bounded (two of the largest frames); frames past it
   * are dropped for Raft to send again, so a leader with a long backlog does not hold it all at once.
   */
  @Test
  void framesPastWhatOneTurnMayQueueForAPeerAreDropped() throws Exception {
    NetPeerNetwork two = network(2, cluster(port, port2, SECRET));
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      vertx.runOnContext(v -> two.send(1, "ping".getBytes()));
      return !received.isEmpty();
    });
    received.clear();
    byte[] big = new byte[MAX_FRAME - 8];
    java.util.Arrays.fill(big, (byte) 'x');
    vertx.runOnContext(v -> {
      for (int i = 0; i < 5; i++) {
        two.send(1, big);
      }
      two.send(1, "after".getBytes());
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("2:after"));
    Thread.sleep(300);
    assertThat(received.stream().filter(r -> !r.equals("2:ping")).toList()).as("two big frames, then the small one")
        .hasSize(3).last().isEqualTo("2:after");
  }

  @Test
  void aMemberWithAnotherSecretNeverDelivers() throws Exception {
    NetPeerNetwork impostor = network(2, cluster(port, port2, OTHER_SECRET));
    long end = System.currentTimeMillis() + 1_500;
    while (System.currentTimeMillis() < end) {
      vertx.runOnContext(v -> impostor.send(1, "forged".getBytes()));
      Thread.sleep(50);
    }
    assertThat(received).isEmpty();
  }

  @Test
  void aDialerReadsNothingButTheChallenge() throws Exception {
    int fakePort = ServerProcess.freePort();
    Buffer heard = Buffer.buffer();
    AtomicBoolean dropped = new AtomicBoolean();
    NetServer fake = vertx.createNetServer().connectHandler(s -> {
      s.handler(b -> {
        synchronized (heard) {
          heard.appendBuffer(b);
        }
      });
      s.closeHandler(v -> dropped.set(true));
      s.write(Buffer.buffer(new byte[ClusterSecret.PROOF_BYTES + 16]));
    });
    get(fake.listen(fakePort, "127.0.0.1").toCompletionStage().toCompletableFuture());
    NetPeerNetwork two = network(2, cluster(fakePort, port2, SECRET));
    vertx.runOnContext(v -> two.send(1, "x".getBytes()));
    await().atMost(Duration.ofSeconds(5)).untilTrue(dropped);
    synchronized (heard) {
      assertThat(heard.length()).as("no hello to an acceptor that sent more than a nonce").isZero();
    }
  }
}
