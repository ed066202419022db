package io.baton.vertx.cluster.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
  private EchoServer echo;
  private FaultProxy proxy;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    echo = EchoServer.start(0);
    proxy = FaultProxy.start(0, "127.0.0.1", echo.port());
  }

  @AfterEach
  void tearDown() throws IOException {
    for (Socket s : clients) {
      s.close();
    }
    proxy.close();
    echo.close();
  }

  @Test
  void forwardsBytesBothWaysOnConcurrentConnections() throws Exception {
    int size = 1 << 20;
    List<CompletableFuture<byte[]>> echoed = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] payload = new byte[size];
      new Random(i).nextBytes(payload);
      sent.add(payload);
      Socket s = connect();
      // Write from another thread: the echo comes back while we are still sending.
      CompletableFuture.runAsync(() -> {
        try {
          s.getOutputStream().write(payload);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      echoed.add(CompletableFuture.supplyAsync(() -> {
        try {
          return s.getInputStream().readNBytes(size);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(echoed.get(i).get()).isEqualTo(sent.get(i));
    }
    assertThat(proxy.acceptedConnections()).isEqualTo(3);
    assertThat(proxy.activeConnections()).isEqualTo(3);
    assertThat(proxy.bytesToTarget()).isEqualTo(3L * size);
    // Counted just after each write, so the last count may trail what the client has read.
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.bytesToClient() == 3L * size);
  }

  @Test
  void halfCloseFromTheClientIsPassedOnAndTheConnectionEnds() throws Exception {
    Socket s = connect();
    s.getOutputStream().write(bytes("bye"));
    s.shutdownOutput();
    // The echo server echoes, sees end of stream and closes; the client gets everything, then EOF.
    assertThat(s.getInputStream().readAllBytes()).isEqualTo(bytes("bye"));
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.activeConnections() == 0);
  }

  @Test
  void targetClosingIsPassedOn() throws Exception {
    Socket s = connect();
    assertRoundTrip(s, "x");
    echo.closeConnections();
    assertClosedByPeer(s);
    // A close arrives as a half-close; the proxied connection ends once the client closes too.
    s.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.activeConnections() == 0);
  }

  @Test
  void clientClosingIsPassedOn() throws Exception {
    Socket s = connect();
    assertRoundTrip(s, "x");
    s.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.activeConnections() == 0 && echo.open() == 0);
  }

  @Test
  void blockResetsLiveConnectionsAndRefusesNewOnesUntilHealed() throws Exception {
    Socket live = connect();
    assertRoundTrip(live, "before");
    proxy.block();
    assertClosedByPeer(live);
    assertRefused();
    assertThat(proxy.refusedConnections()).isEqualTo(1);
    assertThat(proxy.activeConnections()).isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> echo.open() == 0);

    proxy.heal();
    assertRoundTrip(connect(), "after");
    assertThat(proxy.acceptedConnections()).isEqualTo(3);
  }

  @Test
  void blackholeHoldsTrafficWithoutClosingAndHealDeliversIt() throws Exception {
    Socket live = connect();
    assertRoundTrip(live, "before");
    long forwarded = proxy.bytesToTarget();
    proxy.blackhole();
    live.getOutputStream().write(bytes("held"));
    Socket fresh = connect();
    fresh.getOutputStream().write(bytes("new"));
    assertSilent(live);
    assertSilent(fresh);
    assertThat(proxy.bytesToTarget()).isEqualTo(forwarded);
    assertThat(proxy.activeConnections()).isEqualTo(2);
    assertThat(echo.accepted()).isEqualTo(1);

    proxy.heal();
    assertThat(readN(live, 4)).isEqualTo("held");
    assertThat(readN(fresh, 3)).isEqualTo("new");
    assertRoundTrip(live, "after");
  }

  @Test
  void blockDuringBlackholeResetsHeldConnections() throws Exception {
    Socket live = connect();
    assertRoundTrip(live, "x");
    proxy.blackhole();
    Socket fresh = connect();
    live.getOutputStream().write(bytes("held"));
    assertSilent(live);
    proxy.block();
    assertClosedByPeer(live);
    assertClosedByPeer(fresh);
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.activeConnections() == 0);
  }

  @Test
  void unreachableTargetResetsTheClientUntilItIsBack() throws Exception {
    int port = echo.port();
    echo.close();
    assertRefused();
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.activeConnections() == 0);

    echo = EchoServer.start(port);
    assertRoundTrip(connect(), "back");
  }

  @Test
  void closeStopsListeningAndResetsConnections() throws Exception {
    Socket s = connect();
    assertRoundTrip(s, "x");
    proxy.close();
    assertClosedByPeer(s);
    assertThat(proxy.activeConnections()).isZero();
    assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    clients.add(s);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5_000);
    s.setSoTimeout(5_000);
    return s;
  }

  /** The connection is reset during or right after the handshake. */
  private void assertRefused() throws IOException {
    Socket s;
    try {
      s = connect();
    } catch (SocketException reset) {
      return;
    }
    assertClosedByPeer(s);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String readN(Socket s, int n) throws IOException {
    return new String(s.getInputStream().readNBytes(n), StandardCharsets.UTF_8);
  }

  private static void assertRoundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write(bytes(text));
    assertThat(readN(s, text.length())).isEqualTo(text);
  }

  /** The peer closed or reset the connection (a timeout fails the test). */
  private static void assertClosedByPeer(Socket s) throws IOException {
    try {
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    } catch (SocketException reset) {
      assertThat(reset).hasMessageContaining("reset");
    }
  }

  /** Nothing arrives for a while and the connection stays open. */
  private static void assertSilent(Socket s) throws IOException {
    s.setSoTimeout(300);
    assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    s.setSoTimeout(5_000);
  }

  /** Echoes every connection until its end of stream, then closes it. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int accepted;

    private EchoServer(ServerSocket server) {
      this.server = server;
      this.acceptor = new Thread(this::acceptLoop, "echo-accept");
      acceptor.setDaemon(true);
    }

    static EchoServer start(int port) throws IOException {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      EchoServer echo = new EchoServer(server);
      echo.acceptor.start();
      return echo;
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return accepted;
    }

    int open() {
      return open.size();
    }

    void closeConnections() throws IOException {
      for (Socket s : open) {
        s.close();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      try {
        acceptor.join(5_000); // a connection accepted meanwhile is then in `open`
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closeConnections();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted++;
          open.add(s);
          Thread t = new Thread(() -> echo(s), "echo-" + accepted);
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void echo(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          s.getOutputStream().write(buffer, 0, n);
        }
      } catch (IOException ignored) {
        // closed by the test
      } finally {
        open.remove(s);
      }
    }
  }
}
