package io.baton.vertx.attack;

import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A bridge client on a plain blocking socket, writing whatever bytes a test wants (well-formed
 * frames, broken ones, nothing) and reading frames back one by one.
 */
final class RawBridge implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final List<JsonObject> unclaimed = new ArrayList<>();
  private long counter;

  private RawBridge(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = socket.getOutputStream();
  }

  static RawBridge connect(int port) throws IOException {
    return connect(port, null);
  }

  /** Connects from {@code localAddress} (e.g. 127.0.0.2, to look like another client host), or any. */
  static RawBridge connect(int port, String localAddress) throws IOException {
    Socket s = new Socket();
    if (localAddress != null) {
      s.bind(new InetSocketAddress(localAddress, 0));
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setTcpNoDelay(true);
    return new RawBridge(s);
  }

  /**
   * Connects from {@code localAddress} (or any, if null) once the node admits the connection: a ping is
   * answered. While the node still counts connections a test has just closed, it refuses with
   * {@code too_many_connections}; this retries those refusals for up to ten seconds.
   */
  static RawBridge admitted(int port, String localAddress) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      RawBridge c = connect(port, localAddress);
      c.frame("{\"type\":\"ping\"}");
      JsonObject answer = c.read(Duration.ofSeconds(10));
      if ("pong".equals(answer.getString("type"))) {
        return c;
      }
      c.close();
      if (!String.valueOf(answer.getString("message")).startsWith("too_many_connections")
          || System.nanoTime() > deadline) {
        throw new IllegalStateException("connection not admitted: " + answer);
      }
      Thread.sleep(50);
    }
  }

  /** Writes one frame: the length of {@code json}, then {@code json}. */
  void frame(String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    bytes(header(b.length));
    bytes(b);
  }

  void frame(JsonObject json) throws IOException {
    frame(json.encode());
  }

  static byte[] header(int length) {
    return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
  }

  void bytes(byte[] b) throws IOException {
    out.write(b);
    out.flush();
  }

  /** Sends {@code body} to the node with a fresh reply address; returns the address. */
  String send(JsonObject body) throws IOException {
    String reply = "r" + (++counter);
    frame(new JsonObject().put("type", "send").put("address", "baton").put("replyAddress", reply).put("body", body));
    return reply;
  }

  /** Sends {@code body} and reads frames until its answer (a {@code message} or an {@code err}). */
  JsonObject call(JsonObject body) throws IOException {
    String reply = send(body);
    while (true) {
      JsonObject f = read(Duration.ofSeconds(10));
      if (reply.equals(f.getString("address"))) {
        return f;
      }
      unclaimed.add(f);
    }
  }

  /** Frames {@link #call} read while waiting for its answer (notifications), oldest first. */
  List<JsonObject> unclaimed() {
    return unclaimed;
  }

  /** The reply body of a successful {@link #call}; fails on an err frame. */
  JsonObject ok(JsonObject body) throws IOException {
    JsonObject f = call(body);
    if (!"message".equals(f.getString("type"))) {
      throw new IllegalStateException("request " + body + " failed: " + f);
    }
    return f.getJsonObject("body");
  }

  /** The next frame, waiting at most {@code timeout}. */
  JsonObject read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    int length = in.readInt();
    byte[] b = new byte[length];
    in.readFully(b);
    return new JsonObject(new String(b, StandardCharsets.UTF_8));
  }

  /** Frames read until the server closes the connection (fails if it does not within {@code timeout}). */
  List<JsonObject> readUntilClosed(Duration timeout) throws IOException {
    List<JsonObject> frames = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      if (System.nanoTime() > deadline) {
        throw new SocketTimeoutException("not closed within " + timeout + "; read " + frames);
      }
      try {
        frames.add(read(Duration.ofMillis(left)));
      } catch (EOFException | java.net.SocketException closed) {
        return frames;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
