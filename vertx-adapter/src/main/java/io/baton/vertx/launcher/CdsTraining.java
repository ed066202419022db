package io.baton.vertx.launcher;

import io.baton.vertx.api.JsonWire;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -XX:ArchiveClassesAtExit=baton-server.jsa -jar baton-server.jar cds-training}: a
 * training run for a class data sharing archive (AppCDS). It starts an empty node the way the
 * launcher always does, in a temporary directory on free ports, serves one client of each face
 * (bridge: a session, a read, a write; ZooKeeper: a session and a read; admin: {@code /readyz} and
 * {@code /metrics}) from plain sockets, stops it and exits; the JVM then writes every class it
 * loaded to the archive. A node started with {@code -XX:SharedArchiveFile=baton-server.jsa} maps
 * them instead of reading, parsing and verifying them from the jar (an empty node's first read: about
 * 0.9 s without, 0.45 s with, on the 2-core development machine). The build makes
 * {@code vertx-adapter/target/baton-server.jsa} this way. The archive holds classes, not state: one
 * that does not match its jar (rebuilt, moved) or its JDK is refused with a warning and the node
 * starts as it would without it.
 */
final class CdsTraining {
  /** The launcher's subcommand. */
  static final String COMMAND = "cds-training";

  private final Path dir;

  private CdsTraining(Path dir) {
    this.dir = dir;
  }

  /** A temporary data directory; the launcher's log goes there too (set before logging starts). */
  static CdsTraining prepare() throws IOException {
    Path dir = Files.createTempDirectory("baton-cds-training");
    System.setProperty("baton.log.dir", dir.resolve("logs").toString());
    return new CdsTraining(dir);
  }

  /** The launcher's arguments: the temporary data directory, every port chosen by the system. */
  String[] args() {
    return new String[] {"--data-dir", dir.resolve("data").toString(), "--bridge-port", "0", "--zk-port", "0",
        "--admin-port", "0"};
  }

  /**
   * Serves one client of each face of the started node (from a thread of its own, not an event
   * loop), then runs {@code stop} and exits the JVM (0, or 1 when a face did not answer).
   */
  void exercise(Main.Listening ports, String address, Runnable stop) {
    Thread t = new Thread(() -> {
      int status = 0;
      try {
        String host = ports.bridge().host();
        bridge(host, ports.bridge().first(), address);
        if (ports.zkPort() > 0) {
          zooKeeper(ports.zkHost(), ports.zkPort());
        }
        if (ports.admin() != null) {
          http(host, ports.admin().port(), "/readyz");
          http(host, ports.admin().port(), "/metrics");
        }
        System.out.println("Baton CDS training run: served the bridge, ZooKeeper and admin faces");
      } catch (Exception | AssertionError e) {
        System.err.println("Baton CDS training run failed: " + e);
        status = 1;
      }
      try {
        stop.run();
      } finally {
        Warmup.delete(dir);
        System.exit(status);
      }
    }, "baton-cds-training");
    t.start();
  }

  private static void bridge(String host, int port, String address) throws IOException {
    try (Socket s = connect(host, port)) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      JsonObject open = bridgeRequest(out, in, address, new JsonObject().put("v", 1).put("op", "openSession")
          .put("timeoutMs", 10_000));
      JsonObject session = new JsonObject().put("v", 1).put("session", open.getString("session"))
          .put("secret", open.getString("secret"));
      bridgeRequest(out, in, address, session.copy().put("op", "getData").put("path", "/"));
      bridgeRequest(out, in, address, session.copy().put("op", "create").put("path", "/cds-training")
          .put("data", "").put("mode", "persistent"));
      bridgeRequest(out, in, address, session.copy().put("op", "getChildren").put("path", "/"));
      bridgeRequest(out, in, address, session.copy().put("op", "closeSession"));
    }
  }

  private static JsonObject bridgeRequest(DataOutputStream out, DataInputStream in, String address, JsonObject body)
      throws IOException {
    String reply = "cds-training." + body.getString("op");
    byte[] frame = JsonWire.encode(new JsonObject().put("type", "send").put("address", address)
        .put("replyAddress", reply).put("body", body)).getBytes();
    out.writeInt(frame.length);
    out.write(frame);
    out.flush();
    while (true) {
      byte[] answer = new byte[in.readInt()];
      in.readFully(answer);
      JsonObject m = JsonWire.decodeObject(Buffer.buffer(answer));
      if (reply.equals(m.getString("address"))) {
        if (m.getValue("body") instanceof JsonObject b) {
          return b;
        }
        throw new IOException(body.getString("op") + " failed: " + m.encode());
      }
      if ("err".equals(m.getString("type"))) {
        throw new IOException(body.getString("op") + " failed: " + m.encode());
      }
    }
  }

  /** ZooKeeper's client protocol: a connect request, getData("/"), closeSession. */
  private static void zooKeeper(String host, int port) throws IOException {
    try (Socket s = connect(host, port)) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      ByteBuffer connect = ByteBuffer.allocate(4 + 8 + 4 + 8 + 4 + 16 + 1);
      connect.putInt(0).putLong(0).putInt(10_000).putLong(0).putInt(16).put(new byte[16]).put((byte) 0);
      zkFrame(out, in, connect.array());
      ByteBuffer get = ByteBuffer.allocate(4 + 4 + 4 + 1 + 1);
      get.putInt(1).putInt(4).putInt(1).put((byte) '/').put((byte) 0); // xid 1, getData, "/", no watch
      zkFrame(out, in, get.array());
      ByteBuffer close = ByteBuffer.allocate(8);
      close.putInt(2).putInt(-11); // closeSession
      zkFrame(out, in, close.array());
    }
  }

  private static void zkFrame(DataOutputStream out, DataInputStream in, byte[] request) throws IOException {
    out.writeInt(request.length);
    out.write(request);
    out.flush();
    int length = in.readInt();
    if (length <= 0 || length > 1 << 20) {
      throw new IOException("ZooKeeper face: unexpected reply length " + length);
    }
    in.readFully(new byte[length]);
  }

  private static void http(String host, int port, String path) throws IOException {
    try (Socket s = connect(host, port)) {
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!answer.startsWith("HTTP/1.1 200")) {
        throw new IOException("admin face " + path + ": " + answer.lines().findFirst().orElse("(nothing)"));
      }
    }
  }

  private static Socket connect(String host, int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), 10_000);
    s.setSoTimeout(30_000);
    s.setTcpNoDelay(true);
    return s;
  }
}
