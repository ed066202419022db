package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ClientTls;
import io.baton.vertx.client.ConnectionState;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.tls.TestPki;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in a child JVM serving its bridge over TLS only ({@code bridgePlain: false} in
 * {@code --config}, the port from {@code --bridge-tls-port}): nothing listens in plaintext, a
 * plaintext client on the TLS port is refused with one log line and the node serves on, and a TLS
 * client keeps its session across a restart of the node (the failover connector reconnects over TLS).
 * A bad TLS configuration stops the launcher at once with one line naming the key and the file.
 */
class TlsOnlyProcessTest {
  @TempDir
  Path tmp;
  private final Vertx vertx = Vertx.vertx();
  private ServerProcess server;

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void tlsOnlyNodeRefusesPlaintextAndKeepsATlsSessionAcrossARestart() throws Exception {
    TestPki pki = TestPki.get();
    Path config = tmp.resolve("tls.json");
    Files.writeString(config, new JsonObject().put("bridgePlain", false).put("bridgeTls", new JsonObject()
        .put("certPath", pki.serverCert().toString()).put("keyPath", pki.serverKey().toString())).encode());
    int plainPort = ServerProcess.freePort();
    int tlsPort = ServerProcess.freePort();
    server = new ServerProcess(tmp.resolve("data"), plainPort, "--config", config.toString(),
        "--bridge-tls-port", Integer.toString(tlsPort)).start();
    assertThat(server.log()).contains("Baton ready: TLS bridge on 127.0.0.1:" + tlsPort + ",")
        .doesNotContain("bridge on 127.0.0.1:" + plainPort);

    assertThatThrownBy(() -> new Socket("127.0.0.1", plainPort).close()).isInstanceOf(ConnectException.class);

    CoordinationClient client = get(CoordinationClient.connectBridge(vertx, List.of("127.0.0.1:" + tlsPort),
        ClientOptions.defaults().withSessionTimeout(20_000).withTls(ClientTls.trusting(pki.caCert().toString()))));
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    client.connectionStateHandler(states::add);
    get(client.create("/eph", "mine".getBytes(StandardCharsets.UTF_8), CreateMode.EPHEMERAL));

    assertThat(plaintextFrameGetsNoReply(tlsPort)).as("bytes a plaintext client got back").isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> refusals(server.log()) == 1);
    assertThat(get(client.exists("/eph", false))).isNotNull();
    Thread.sleep(500);
    assertThat(refusals(server.log())).isEqualTo(1);
    assertThat(server.log()).doesNotContain("\tat ");

    server.kill9();
    await().atMost(Duration.ofSeconds(5)).until(() -> states.contains(ConnectionState.DISCONNECTED));
    server.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> states.contains(ConnectionState.RECONNECTED));
    assertThat(new String(get(client.getData("/eph", false)).data(), StandardCharsets.UTF_8)).isEqualTo("mine");
    get(client.close());
  }

  @Test
  void aMissingKeyFileStopsTheLauncherWithOneLineNamingKeyAndFile() throws Exception {
    TestPki pki = TestPki.get();
    Path missing = tmp.resolve("gone.key");
    Path config = tmp.resolve("bad-tls.json");
    Files.writeString(config, new JsonObject().put("bridgeTls", new JsonObject()
        .put("certPath", pki.serverCert().toString()).put("keyPath", missing.toString())).encode());
    server = new ServerProcess(tmp.resolve("data"), ServerProcess.freePort(), "--config", config.toString(),
        "--bridge-tls-port", Integer.toString(ServerProcess.freePort()));
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("server exited with 1:")
        .hasMessageContaining("Baton failed to start: bridgeTls.keyPath: no such file " + missing);
    assertThat(server.log()).doesNotContain("\tat ");
    assertThat(Files.exists(tmp.resolve("data").resolve("baton.lock"))).as("the data directory was not opened")
        .isFalse();
  }

  /**
   * Sends a bridge frame in plaintext to the TLS port and reads until the node closes the
   * connection; returns the bytes read that could be the start of a bridge frame (none expected: at
   * most a TLS alert record, which starts with 0x15).
   */
  private static byte[] plaintextFrameGetsNoReply(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(10_000);
      byte[] json = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
      s.getOutputStream().write(new byte[] {0, 0, 0, (byte) json.length});
      s.getOutputStream().write(json);
      InputStream in = s.getInputStream();
      byte[] got;
      try {
        got = in.readAllBytes();
      } catch (IOException reset) {
        return new byte[0];
      }
      return got.length > 0 && got[0] == 0x15 ? new byte[0] : got;
    }
  }

  private static long refusals(String log) {
    return log.lines().filter(l -> l.contains("refused a TLS bridge connection")).count();
  }

  private static <T> T get(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
