package io.baton.vertx.cluster.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy on 127.0.0.1 for loopback cluster tests: every accepted connection is
 * forwarded to the target by two blocking pump threads, half-closes and resets included.
 *
 * <ul>
 *   <li>{@link #block()}: resets every live connection and resets new ones right after accepting them
 *       (a crashed peer, or a firewall that rejects).
 *   <li>{@link #blackhole()}: forwards nothing and closes nothing (a partition that drops packets:
 *       both ends see silence and must rely on their own timeouts). Bytes and closes are held, not
 *       dropped, and delivered after {@link #heal()} as TCP retransmission would; new connections are
 *       accepted and connected to the target only after the heal.
 *   <li>{@link #heal()}: forwards normally again.
 * </ul>
 * A connection whose target cannot be reached is reset.
 */
public final class FaultProxy implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  private enum Mode { NORMAL, BLOCKED, BLACKHOLED }

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  /** Monitor on which held pumps wait for the mode to leave BLACKHOLED. */
  private final Object gate = new Object();
  private volatile Mode mode = Mode.NORMAL;
  private volatile boolean closed;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong toTarget = new AtomicLong();
  private final AtomicLong toClient = new AtomicLong();
  private final AtomicInteger ids = new AtomicInteger();
  private final Thread acceptor;

  private FaultProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
    this.acceptor = daemon("fault-proxy-" + server.getLocalPort() + "-accept", this::acceptLoop);
  }

  /** Listens on 127.0.0.1:{@code listenPort} (0 = ephemeral) and forwards to the target. */
  public static FaultProxy start(int listenPort, String targetHost, int targetPort) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
    FaultProxy proxy = new FaultProxy(server, new InetSocketAddress(targetHost, targetPort));
    proxy.acceptor.start();
    return proxy;
  }

  /** The port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Resets all live connections and resets new ones until {@link #heal()}. */
  public void block() {
    synchronized (gate) {
      // Reset before waking held pumps, or held bytes would slip through.
      mode = Mode.BLOCKED;
      List.copyOf(connections).forEach(c -> c.close(true));
      gate.notifyAll();
    }
  }

  /** Holds all traffic, live and new, without closing anything, until {@link #heal()}. */
  public void blackhole() {
    setMode(Mode.BLACKHOLED);
  }

  /** Forwards normally again; held traffic flows. */
  public void heal() {
    setMode(Mode.NORMAL);
  }

  /** Stops listening (the port refuses connections once this returns) and resets all connections. */
  @Override
  public void close() {
    closed = true;
    quietly(server::close);
    try {
      // A socket closed during accept() is released only when accept() returns.
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List.copyOf(connections).forEach(c -> c.close(true));
  }

  /** Connections accepted so far, including those refused while blocked. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Connections reset right after being accepted because the proxy was blocked. */
  public long refusedConnections() {
    return refused.get();
  }

  /** Connections currently open (forwarding or held). */
  public int activeConnections() {
    return connections.size();
  }

  /** Bytes written to the target so far. */
  public long bytesToTarget() {
    return toTarget.get();
  }

  /** Bytes written back to clients so far. */
  public long bytesToClient() {
    return toClient.get();
  }

  private void setMode(Mode m) {
    synchronized (gate) {
      mode = m;
      gate.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        continue; // closed (the loop ends) or a transient accept failure
      }
      accepted.incrementAndGet();
      Connection c = new Connection(client, ids.incrementAndGet());
      connections.add(c);
      // Checked after registering, so a concurrent block() or close() either sees c or is seen here.
      if (mode == Mode.BLOCKED || closed) {
        refused.incrementAndGet();
        c.close(true);
      } else {
        daemon("fault-proxy-" + port() + "-" + c.id + "-up", c::run).start();
      }
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void quietly(IORunnable action) {
    try {
      action.run();
    } catch (IOException ignored) {
      // the socket is already closed or reset
    }
  }

  private interface IORunnable {
    void run() throws IOException;
  }

  private final class Connection {
    final Socket client;
    final int id;
    private Socket upstream;
    private boolean done;
    private final AtomicInteger finishedPumps = new AtomicInteger();

    Connection(Socket client, int id) {
      this.client = client;
      this.id = id;
    }

    /** Connects upstream, then pumps client to target while another thread pumps back. */
    void run() {
      try {
        awaitFlowing();
        Socket up = new Socket();
        synchronized (this) {
          if (done) {
            return;
          }
          upstream = up;
        }
        up.connect(target, CONNECT_TIMEOUT_MS);
        up.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        daemon("fault-proxy-" + port() + "-" + id + "-down", () -> pump(up, client, toClient)).start();
        pump(client, up, toTarget);
      } catch (IOException e) {
        close(true);
      }
    }

    /** Copies until end of stream, which is passed on as a half-close; any failure resets both ends. */
    private void pump(Socket from, Socket to, AtomicLong counter) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          awaitFlowing();
          out.write(buffer, 0, n);
          counter.addAndGet(n);
        }
        awaitFlowing();
        to.shutdownOutput();
        if (finishedPumps.incrementAndGet() == 2) {
          close(false);
        }
      } catch (IOException e) {
        close(true);
      }
    }

    private void awaitFlowing() throws IOException {
      synchronized (gate) {
        while (mode == Mode.BLACKHOLED && !isDone()) {
          try {
            gate.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
        }
      }
      if (isDone()) {
        throw new IOException("connection closed");
      }
    }

    private synchronized boolean isDone() {
      return done;
    }

    /** Closes both sockets, with a reset (RST) if {@code abort}. */
    void close(boolean abort) {
      Socket up;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        up = upstream;
      }
      connections.remove(this);
      for (Socket s : up == null ? List.of(client) : List.of(client, up)) {
        if (abort) {
          quietly(() -> s.setSoLinger(true, 0));
        }
        quietly(s::close);
      }
      synchronized (gate) {
        gate.notifyAll();
      }
    }
  }
}
