package io.baton.vertx.bridge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.CoordinatorVerticle;
import io.baton.vertx.cli.BatonCli;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ClientTls;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.baton.vertx.tls.TestPki;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyStoreOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the client bridge, with real certificates made by keytool ({@link TestPki}): a node started
 * by {@link Main} in this JVM, clients from another Vert.x instance. Hostname verification stays on
 * (the server certificate names IP:127.0.0.1 and DNS:localhost).
 */
class BridgeTlsTest {
  private static TestPki pki;

  @TempDir
  Path dataDir;
  private Vertx server;
  private Vertx remote;

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.get();
  }

  @BeforeEach
  void setUp() {
    server = Vertx.vertx();
    remote = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(remote.close());
    await(server.close());
  }

  private JsonObject config() {
    return new JsonObject().put("dataDir", dataDir.toString()).put("durability", "none");
  }

  /** A TLS listener with the PEM server certificate and key. */
  private static JsonObject pemTls() {
    return new JsonObject().put("certPath", pki.serverCert().toString()).put("keyPath", pki.serverKey().toString());
  }

  private static ClientOptions trusting() {
    return ClientOptions.defaults().withTls(ClientTls.trusting(pki.caCert().toString()));
  }

  private static ClientOptions withCertificate(Path cert, Path key) {
    return ClientOptions.defaults().withTls(ClientTls.trusting(pki.caCert().toString())
        .withClientCertificate(cert.toString(), key.toString()));
  }

  private CoordinationClient connect(int port, ClientOptions options) throws Exception {
    return await(CoordinationClient.connectBridge(remote, "127.0.0.1", port, options));
  }

  @Test
  void aTlsClientDoesTheWholeRoundTripAndFailsOverAcrossAddresses() throws Exception {
    int port = freePort();
    // TLS only, the certificate from a PKCS12 keystore; the TLS listener takes bridgePort
    JsonObject tls = new JsonObject().put("keyStorePath", pki.serverKeyStore().toString())
        .put("keyStorePassword", TestPki.PASSWORD);
    assertThat(await(Main.start(server, config().put("bridgePort", port).put("bridgePlain", false)
        .put("bridgeTls", tls)))).isEqualTo(port);

    CoordinationClient client = connect(port, trusting());
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    client.watchHandler(events::add);
    assertThat(await(client.create("/tls", "secret".getBytes(UTF_8), CreateMode.PERSISTENT))).isEqualTo("/tls");
    assertThat(new String(await(client.getData("/tls", true)).data(), UTF_8)).isEqualTo("secret");
    // by name (SAN DNS:localhost) and by address (SAN IP:127.0.0.1), through the failover connector
    CoordinationClient other = await(CoordinationClient.connectBridge(remote,
        List.of("localhost:" + port, "127.0.0.1:" + port), trusting()));
    await(other.setData("/tls", "changed".getBytes(UTF_8), 0));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events.get(0).type()).isEqualTo(EventType.NodeDataChanged);
    assertThat(events.get(0).path()).isEqualTo("/tls");
    await(other.close());
    await(client.close());
  }

  @Test
  void aClientThatDoesNotTrustTheNodesCaIsRefusedByItsOwnCheck() throws Exception {
    int port = freePort();
    await(Main.start(server, config().put("bridgePort", port).put("bridgePlain", false).put("bridgeTls", pemTls())));
    // the node's certificate chains to a CA this client does not trust
    ClientOptions rogueTrust = ClientOptions.defaults().withTls(ClientTls.trusting(pki.rogueCaCert().toString()));
    assertThat(batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", port, rogueTrust)).getMessage())
        .contains("cannot reach Baton bridge");
  }

  @Test
  void plaintextAndTlsListenersServeTogetherAndAPlaintextClientOnTheTlsPortIsRefused() throws Exception {
    int plainPort = freePort();
    int tlsPort = freePort();
    while (tlsPort == plainPort) { // the OS may hand out the same free port twice
      tlsPort = freePort();
    }
    assertThat(await(Main.start(server, config().put("bridgePort", plainPort)
        .put("bridgeTls", pemTls().put("port", tlsPort))))).isEqualTo(plainPort);

    CoordinationClient plain = connect(plainPort, ClientOptions.defaults());
    CoordinationClient tls = connect(tlsPort, trusting());
    await(plain.create("/both", "p".getBytes(UTF_8), CreateMode.PERSISTENT));
    assertThat(new String(await(tls.getData("/both", false)).data(), UTF_8)).isEqualTo("p");

    // plaintext on the TLS port: the handshake fails, the client gets no session, the node serves on
    BatonException refused = batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", tlsPort,
        ClientOptions.defaults()));
    assertThat(refused.code()).isEqualTo(ErrorCode.SYSTEM_ERROR);
    await(tls.setData("/both", "t".getBytes(UTF_8), -1));
    assertThat(new String(await(plain.getData("/both", false)).data(), UTF_8)).isEqualTo("t");
    // and TLS on the plaintext port fails the client's handshake
    batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", plainPort, trusting()));
    assertThat(await(connect(tlsPort, trusting()).exists("/both", false))).isNotNull();
  }

  @Test
  void tlsOnlyLeavesNoPlaintextListener() throws Exception {
    int port = freePort();
    int tlsPort = freePort();
    while (tlsPort == port) {
      tlsPort = freePort();
    }
    // bridgePlain false with its own TLS port: nothing listens on bridgePort
    assertThat(await(Main.start(server, config().put("bridgePort", port).put("bridgePlain", false)
        .put("bridgeTls", pemTls().put("port", tlsPort))))).isEqualTo(tlsPort);
    assertThat(batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", port, ClientOptions.defaults()))
        .getMessage()).contains("cannot reach Baton bridge at 127.0.0.1:" + port);
    assertThat(await(connect(tlsPort, trusting()).create("/only", null, CreateMode.PERSISTENT))).isEqualTo("/only");
  }

  @Test
  void requiredClientCertificatesAdmitOnlyClientsOfTheTrustedCaAndTheNodeReadsTheirSubject() throws Exception {
    // the trust store from a PKCS12 keystore; the server certificate from PEM
    Started node = startWithBridge(pemTls().put("clientAuth", "required")
        .put("trustStorePath", pki.trustStore().toString()).put("trustStorePassword", TestPki.PASSWORD));
    int port = node.port();

    BatonException noCertificate = batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", port,
        trusting()));
    assertThat(noCertificate.code()).isEqualTo(ErrorCode.SYSTEM_ERROR);
    assertThat(noCertificate.getMessage()).as("the reason the client is told")
        .startsWith("SystemError: connection to the Baton bridge closed: javax.net.ssl.SSLHandshakeException: ");
    // a certificate with the same subject from a CA the node does not trust: its issuer is not among
    // the CAs the node names, so a well-behaved client presents nothing; a hostile one presents it anyway
    batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", port,
        withCertificate(pki.rogueClientCert(), pki.rogueClientKey())));
    BatonException unknownCa = batonFailure(CoordinationClient.connectBridge(remote, "127.0.0.1", port,
        ClientOptions.defaults().withTls(ClientTls.trusting(pki.caCert().toString())
            .withKeyCert(pki.rogueClientPresentingAnyway()))));
    assertThat(unknownCa.code()).isEqualTo(ErrorCode.SYSTEM_ERROR);
    assertThat(unknownCa.getMessage()).contains("SSLHandshakeException");
    assertThat(node.subjects()).isEmpty();

    CoordinationClient good = connect(port, withCertificate(pki.clientCert(), pki.clientKey()));
    assertThat(await(good.create("/mine", null, CreateMode.EPHEMERAL))).isEqualTo("/mine");
    assertThat(node.subjects()).containsExactly(TestPki.CLIENT_SUBJECT);
  }

  @Test
  void requestedClientCertificatesAreReadWhenGivenAndOptional() throws Exception {
    Started node = startWithBridge(pemTls().put("clientAuth", "request")
        .put("trustPath", pki.caCert().toString()));
    CoordinationClient anonymous = connect(node.port(), trusting());
    await(anonymous.sync("/"));
    assertThat(node.subjects()).containsExactly((String) null);
    CoordinationClient named = connect(node.port(), ClientOptions.defaults().withTls(ClientTls.trusting(
        pki.caCert().toString()).withKeyCert(new KeyStoreOptions().setType("PKCS12")
        .setPath(pki.clientKeyStore().toString()).setPassword(TestPki.PASSWORD))));
    await(named.sync("/"));
    assertThat(node.subjects()).containsExactlyInAnyOrder(null, TestPki.CLIENT_SUBJECT);
    // the subject is the connection's x509 identity: an ACL naming it (or auth) admits the holder only
    io.baton.core.acl.Acl holder = new io.baton.core.acl.Acl(io.baton.core.acl.Perms.ALL,
        new io.baton.core.auth.Identity("auth", ""));
    await(named.create("/x509-only", "k".getBytes(), java.util.List.of(holder), CreateMode.PERSISTENT));
    assertThat(await(named.getACL("/x509-only")).acl()).containsExactly(new io.baton.core.acl.Acl(
        io.baton.core.acl.Perms.ALL, new io.baton.core.auth.Identity("x509", TestPki.CLIENT_SUBJECT)));
    assertThat(await(named.getData("/x509-only", false)).data()).isEqualTo("k".getBytes());
    assertThat(batonFailure(anonymous.getData("/x509-only", false)).code()).isEqualTo(ErrorCode.NO_AUTH);
    // the certificate's identity is the session's: the lock contender made for it carries it, readable by all
    String held = await(io.baton.vertx.client.recipes.Recipes.of(named).mutex("x509-lock")
        .acquire(java.time.Duration.ofSeconds(5))).path();
    assertThat(await(anonymous.getACL(held)).acl()).containsExactly(
        new io.baton.core.acl.Acl(io.baton.core.acl.Perms.ALL,
            new io.baton.core.auth.Identity("x509", TestPki.CLIENT_SUBJECT)),
        new io.baton.core.acl.Acl(io.baton.core.acl.Perms.READ, new io.baton.core.auth.Identity("world", "anyone")));
  }

  @Test
  void theCliConnectsOverTlsWithAClientCertificate() throws Exception {
    int port = freePort();
    await(Main.start(server, config().put("bridgePort", port).put("bridgePlain", false)
        .put("bridgeTls", pemTls().put("clientAuth", "required").put("trustPath", pki.caCert().toString()))));
    String[] tlsFlags = {"--server", "localhost:" + port, "--tls-ca", pki.caCert().toString(),
        "--tls-cert", pki.clientCert().toString(), "--tls-key", pki.clientKey().toString()};
    assertThat(cli(tlsFlags, "create", "/cli", "over tls")).isEqualTo("0|Created /cli\n");
    assertThat(cli(tlsFlags, "get", "/cli")).isEqualTo("0|over tls\n");
    String[] noCertificate = {"--server", "localhost:" + port, "--tls-ca", pki.caCert().toString()};
    assertThat(cli(noCertificate, "get", "/cli")).startsWith("1|");
    assertThat(cli(new String[] {"--tls-cert", pki.clientCert().toString()}, "get", "/cli")).startsWith("2|");
  }

  @Test
  void aBadTlsConfigurationFailsStartWithTheKeyAndFile() throws Exception {
    Path missing = dataDir.resolve("missing.key");
    assertThat(startFailure(pemTls().put("keyPath", missing.toString())))
        .isEqualTo("bridgeTls.keyPath: no such file " + missing);
    assertThat(startFailure(new JsonObject().put("keyStorePath", pki.serverKeyStore().toString())
        .put("keyStorePassword", "wrong")))
        .isEqualTo("bridgeTls.keyStorePath: cannot open " + pki.serverKeyStore() + " as a PKCS12 keystore with "
            + "bridgeTls.keyStorePassword: wrong password");
    assertThat(startFailure(new JsonObject().put("certPath", pki.serverKey().toString())
        .put("keyPath", pki.serverKey().toString())))
        .startsWith("bridgeTls.certPath: " + pki.serverKey() + " ");
    assertThat(startFailure(new JsonObject().put("certPath", pki.serverCert().toString())
        .put("keyPath", pki.serverCert().toString())))
        .startsWith("bridgeTls.keyPath: " + pki.serverCert() + " holds no PEM private key");
    assertThat(startFailure(pemTls().put("clientAuth", "required")))
        .isEqualTo("bridgeTls.clientAuth required needs the CA of the client certificates: bridgeTls.trustPath or "
            + "bridgeTls.trustStorePath");
    assertThat(startFailure(pemTls().put("clientAuth", "always"))).contains("bridgeTls.clientAuth: 'always'");
    assertThat(startFailure(pemTls().put("certpath", "x"))).startsWith("bridgeTls has unknown keys [certpath]");
    assertThat(startFailure(new JsonObject().put("port", 1))).startsWith("bridgeTls needs the server certificate");
    assertThat(failure(Main.start(server, config().put("bridgePlain", false))).getMessage())
        .isEqualTo("bridgePlain is false and bridgeTls is not configured: the node would have no client port");
    assertThat(failure(Main.start(server, config().put("bridgeTls", pemTls()))).getMessage())
        .startsWith("bridgeTls.port is needed while the plaintext bridge listens on bridgePort");
  }

  /** Main.start with TLS only and {@code tls} must fail before the node starts; returns its message. */
  private String startFailure(JsonObject tls) throws Exception {
    Throwable t = failure(Main.start(server, config().put("bridgePort", freePort()).put("bridgePlain", false)
        .put("bridgeTls", tls)));
    assertThat(t).isInstanceOf(IllegalArgumentException.class);
    return t.getMessage();
  }

  /** A node with its bridge listening with TLS only, wired as {@link Main} does, keeping the bridge at hand. */
  private record Started(BridgeServer bridge, int port, Context context) {
    /** The subjects of the bridge's open connections, read on its context. */
    List<String> subjects() throws Exception {
      Promise<List<String>> read = Promise.promise();
      context.runOnContext(v -> read.complete(bridge.connections().stream().map(BridgeConnection::x509Subject)
          .collect(Collectors.toList())));
      return await(read.future());
    }
  }

  private Started startWithBridge(JsonObject tls) throws Exception {
    int port = freePort();
    BridgeListeners listeners = BridgeListeners.from(config().put("bridgePort", port).put("bridgePlain", false)
        .put("bridgeTls", tls), "127.0.0.1", port);
    CoordinatorVerticle node = new CoordinatorVerticle();
    await(server.deployVerticle(node, new DeploymentOptions().setConfig(config())));
    Promise<BridgeServer> listening = Promise.promise();
    node.ownerContext().runOnContext(v -> {
      BridgeServer bridge = new BridgeServer(server, "baton", node.coordinator(), node.commands());
      node.commands().pacing(bridge);
      listeners.listen(bridge).map(ports -> bridge).onComplete(listening);
    });
    return new Started(await(listening.future()), port, node.ownerContext());
  }

  private static String cli(String[] flags, String... command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(flags), java.util.Arrays.stream(command))
        .toArray(String[]::new);
    int code = BatonCli.run(args, new PrintStream(out, true, UTF_8), new PrintStream(new ByteArrayOutputStream()));
    return code + "|" + out.toString(UTF_8);
  }

  private static int freePort() throws Exception {
    return io.baton.vertx.process.ServerProcess.freePort();
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Throwable failure(Future<?> f) throws Exception {
    try {
      throw new AssertionError("expected a failure, got " + await(f));
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      return e;
    }
  }

  private static BatonException batonFailure(Future<?> f) throws Exception {
    Throwable t = failure(f);
    assertThat(t).isInstanceOf(BatonException.class);
    return (BatonException) t;
  }
}
