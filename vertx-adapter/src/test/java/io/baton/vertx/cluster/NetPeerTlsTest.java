package io.baton.vertx.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.replication.ClusterConfig;
import io.baton.core.replication.ClusterSecret;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
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

/** Mutual TLS on the peer links binds each link to the member its certificate names, on top of the secret. */
class NetPeerTlsTest {
  private static final ClusterSecret SECRET = ClusterSecret.fromHex("7e".repeat(32));

  private final Vertx vertx = Vertx.vertx();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private static final Cert node1 = new Cert(1);
  private static final Cert node2 = new Cert(2);
  private static final Cert node3 = new Cert(3);
  private ClusterConfig cluster;

  @BeforeEach
  void setUp() throws Exception {
    cluster = new ClusterConfig(Map.of(
        1L, new ClusterConfig.Member(1, "127.0.0.1", ServerProcess.freePort(), 1),
        2L, new ClusterConfig.Member(2, "127.0.0.1", ServerProcess.freePort(), 2),
        3L, new ClusterConfig.Member(3, "127.0.0.1", ServerProcess.freePort(), 3)), 100, 10, 0, SECRET);
    NetServerOptions server = new NetServerOptions().setSsl(true).setKeyCertOptions(node1.keyCertOptions())
        .setTrustOptions(trusting(node2, node3)).setClientAuth(ClientAuth.REQUIRED);
    NetPeerNetwork one = network(1, server, client(node1, node2, node3));
    one.receiver((from, frame) -> received.add(from + ":" + new String(frame)));
    Promise<NetPeerNetwork> listening = Promise.promise();
    vertx.runOnContext(v -> one.listen().onComplete(listening));
    listening.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A self-signed test certificate with CN baton-node-{@code n} (EC P-256, in src/test/resources/peer-tls). */
  private record Cert(int n) {
    PemKeyCertOptions keyCertOptions() {
      return new PemKeyCertOptions().setKeyPath("peer-tls/node-" + n + ".key").setCertPath(certificatePath());
    }

    String certificatePath() {
      return "peer-tls/node-" + n + ".crt";
    }
  }

  private static PemTrustOptions trusting(Cert... certs) {
    PemTrustOptions trust = new PemTrustOptions();
    for (Cert c : certs) {
      trust.addCertPath(c.certificatePath());
    }
    return trust;
  }

  private static NetClientOptions client(Cert own, Cert... trusted) {
    return new NetClientOptions().setSsl(true).setKeyCertOptions(own.keyCertOptions())
        .setTrustOptions(trusting(trusted)).setHostnameVerificationAlgorithm("");
  }

  private NetPeerNetwork network(long id, NetServerOptions server, NetClientOptions client) throws Exception {
    Promise<NetPeerNetwork> made = Promise.promise();
    vertx.runOnContext(v -> made.complete(new NetPeerNetwork(vertx, id, cluster, 1 << 20, server, client)));
    return made.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Sends from {@code n} to node 1 every 50 ms for {@code ms}, or until something arrived. */
  private void sendFor(NetPeerNetwork n, long ms) throws InterruptedException {
    AtomicInteger count = new AtomicInteger();
    long end = System.currentTimeMillis() + ms;
    while (System.currentTimeMillis() < end && received.isEmpty()) {
      vertx.runOnContext(v -> n.send(1, ("m" + count.incrementAndGet()).getBytes()));
      Thread.sleep(50);
    }
  }

  @Test
  void aMemberWhoseCertificateNamesItLinks() throws Exception {
    NetPeerNetwork two = network(2, new NetServerOptions(), client(node2, node1));
    sendFor(two, 20_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
    assertThat(received.get(0)).startsWith("2:m");
  }

  @Test
  void aMemberCannotUseAnotherMembersCertificate() throws Exception {
    // node 3's certificate and the cluster secret, claiming to be node 2
    NetPeerNetwork impostor = network(2, new NetServerOptions(), client(node3, node1));
    sendFor(impostor, 2_000);
    assertThat(received).isEmpty();
  }

  @Test
  void aDialerSendsNoHelloToAnAcceptorWhoseCertificateNamesAnotherNode() throws Exception {
    // node 1's (trusted) certificate answers at the address node 3 has for node 2
    int port = ServerProcess.freePort();
    Buffer heard = Buffer.buffer();
    AtomicBoolean dropped = new AtomicBoolean();
    NetServer fake = vertx.createNetServer(new NetServerOptions().setSsl(true).setKeyCertOptions(node1.keyCertOptions())
        .setTrustOptions(trusting(node3)).setClientAuth(ClientAuth.REQUIRED)).connectHandler(s -> {
          s.handler(b -> {
            synchronized (heard) {
              heard.appendBuffer(b);
            }
          });
          s.closeHandler(v -> dropped.set(true));
          s.write(Buffer.buffer(new byte[ClusterSecret.PROOF_BYTES]));
        });
    fake.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ClusterConfig moved = new ClusterConfig(Map.of(
        1L, cluster.member(1),
        2L, new ClusterConfig.Member(2, "127.0.0.1", port, 2),
        3L, cluster.member(3)), 100, 10, 0, SECRET);
    Promise<NetPeerNetwork> made = Promise.promise();
    vertx.runOnContext(v -> made.complete(new NetPeerNetwork(vertx, 3, moved, 1 << 20, new NetServerOptions(),
        client(node3, node1))));
    NetPeerNetwork three = made.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.runOnContext(v -> three.send(2, "x".getBytes()));
    await().atMost(Duration.ofSeconds(5)).untilTrue(dropped);
    synchronized (heard) {
      assertThat(heard.length()).as("a hello sent to node 1 posing as node 2").isZero();
    }
  }
}
