package io.baton.vertx.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.vertx.launcher.Main;
import io.baton.vertx.tls.TestPki;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the ZooKeeper port ({@code zkTls}, ZooKeeper's secureClientPort) with certificates made by
 * keytool ({@link TestPki}), through the official client's Netty socket and its
 * {@code zookeeper.ssl.*} settings: the client certificate's subject is the connection's and the
 * session's x509 identity (whoAmI, x509 ACLs); a certificate of another CA is refused in the handshake.
 */
class ZooKeeperTlsTest {
  @TempDir
  Path dir;
  private Vertx server;
  private Main.Listening ports;
  private static TestPki pki;

  @BeforeEach
  void start() throws Exception {
    pki = TestPki.get();
    server = Vertx.vertx();
    JsonObject tls = new JsonObject().put("port", 0).put("certPath", pki.serverCert().toString())
        .put("keyPath", pki.serverKey().toString()).put("trustPath", pki.caCert().toString())
        .put("clientAuth", "required");
    ports = await(Main.serve(server, new JsonObject().put("dataDir", dir.resolve("data").toString())
        .put("durability", "none").put("bridgePort", 0).put("zkPort", 0).put("zkTls", tls)
        .put("zk4lwWhitelist", "conf")));
    assertThat(ports.zkTlsPort()).isPositive();
    assertThat(ports.describe()).contains("TLS ZooKeeper clients on 127.0.0.1:" + ports.zkTlsPort());
  }

  @AfterEach
  void stop() throws Exception {
    await(server.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The official client's TLS settings: its Netty socket, a PKCS12 or PEM key store, the CA to trust. */
  private static ZKClientConfig tlsClient(Path keyStore, String type) throws Exception {
    ZKClientConfig c = new ZKClientConfig();
    c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
    c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    c.setProperty("zookeeper.ssl.keyStore.location", keyStore.toString());
    c.setProperty("zookeeper.ssl.keyStore.type", type);
    if (type.equals("PKCS12")) {
      c.setProperty("zookeeper.ssl.keyStore.password", TestPki.PASSWORD);
    }
    c.setProperty("zookeeper.ssl.trustStore.location", pki.trustStore().toString());
    c.setProperty("zookeeper.ssl.trustStore.password", TestPki.PASSWORD);
    c.setProperty("zookeeper.ssl.trustStore.type", "PKCS12");
    return c;
  }

  /** A client connected within {@code waitMs}, or null if it did not connect. */
  private static ZooKeeper connect(int port, ZKClientConfig config, long waitMs) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = config == null
        ? new ZooKeeper("127.0.0.1:" + port, 10_000, e -> count(e, connected))
        : new ZooKeeper("127.0.0.1:" + port, 10_000, e -> count(e, connected), config);
    if (!connected.await(waitMs, TimeUnit.MILLISECONDS)) {
      zk.close();
      return null;
    }
    return zk;
  }

  private static void count(org.apache.zookeeper.WatchedEvent e, CountDownLatch connected) {
    if (e.getType() == Watcher.Event.EventType.None && e.getState() == Watcher.Event.KeeperState.SyncConnected) {
      connected.countDown();
    }
  }

  @Test
  void theClientCertificateIsTheX509IdentityOfTheConnectionAndItsSession() throws Exception {
    ZooKeeper secure = connect(ports.zkTlsPort(), tlsClient(pki.clientKeyStore(), "PKCS12"), 20_000);
    assertThat(secure).as("the official client connects over TLS").isNotNull();
    ZooKeeper plain = connect(ports.zkPort(), null, 20_000);
    try {
      List<ClientInfo> who = secure.whoAmI();
      assertThat(who).extracting(ClientInfo::getAuthScheme).contains("ip", "x509");
      assertThat(who).filteredOn(i -> i.getAuthScheme().equals("x509")).extracting(ClientInfo::getUser)
          .containsExactly(TestPki.CLIENT_SUBJECT);

      // the client checks ACLs with contains(null), which List.of refuses
    List<ACL> onlyTheCertificate = new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL,
        new Id("x509", TestPki.CLIENT_SUBJECT))));
      secure.create("/payments", "v1".getBytes(StandardCharsets.UTF_8), onlyTheCertificate, CreateMode.PERSISTENT);
      assertThat(secure.getData("/payments", false, null)).isEqualTo("v1".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> plain.getData("/payments", false, null))
          .isInstanceOf(KeeperException.NoAuthException.class);
      assertThat(plain.whoAmI()).extracting(ClientInfo::getAuthScheme).containsExactly("ip");
    } finally {
      secure.close();
      plain.close();
    }
  }

  @Test
  void aCertificateOfAnotherCaAndAPlaintextClientAreRefused() throws Exception {
    Path rogue = dir.resolve("rogue.pem");
    Files.writeString(rogue, Files.readString(pki.rogueClientKey()) + Files.readString(pki.rogueClientCert()));
    assertThat(connect(ports.zkTlsPort(), tlsClient(rogue, "PEM"), 3_000)).as("another CA's certificate").isNull();
    assertThat(connect(ports.zkTlsPort(), null, 3_000)).as("plaintext on the TLS port").isNull();
    ZooKeeper secure = connect(ports.zkTlsPort(), tlsClient(pki.clientKeyStore(), "PKCS12"), 20_000);
    assertThat(secure).as("a trusted client is served throughout").isNotNull();
    secure.close();
  }
}
