package io.baton.vertx.cluster;

import io.baton.core.replication.ClusterConfig;
import io.baton.core.replication.PeerNetwork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.Map;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The links between the nodes of a cluster over Vert.x TCP (TLS when the given options enable it).
 * Every node listens on its peer port and dials each other node; a node sends only on the
 * connections it dialed, announcing itself with a hello frame, and receives on the ones it accepted.
 * Frames are length-prefixed. Frames for a peer that is unreachable, or whose connection is backed
 * up, are dropped (Raft retransmits); frames queued in one event-loop turn go out in one write.
 * Must be created and used on the coordinator's context.
 */
public final class NetPeerNetwork implements PeerNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(NetPeerNetwork.class);
  private static final int MAGIC = 0x4241544E; // "BATN"
  private static final int MAX_FRAME = 64 << 20;
  private static final long RECONNECT_MS = 200;
  private static final int FILE_CHUNK = 1 << 20;

  private final Vertx vertx;
  private final long self;
  private final ClusterConfig cluster;
  private final NetServer server;
  private final NetClient client;
  private final Map<Long, Link> links = new HashMap<>();
  private BiConsumer<Long, byte[]> receiver = (from, frame) -> {
  };
  private boolean closed;

  private final class Link {
    final long peer;
    NetSocket socket;
    boolean connecting;
    long lastAttempt;
    Buffer pending;

    Link(long peer) {
      this.peer = peer;
    }
  }

  public NetPeerNetwork(Vertx vertx, long self, ClusterConfig cluster, NetServerOptions serverOptions,
                        NetClientOptions clientOptions) {
    this.vertx = vertx;
    this.self = self;
    this.cluster = cluster;
    this.server = vertx.createNetServer(new NetServerOptions(serverOptions).setTcpNoDelay(true));
    this.client = vertx.createNetClient(new NetClientOptions(clientOptions).setTcpNoDelay(true)
        .setConnectTimeout(1_000));
    for (long id : cluster.voters()) {
      if (id != self) {
        links.put(id, new Link(id));
      }
    }
  }

  /** Where received frames go: {@code (fromNodeId, frame)}, on this context. */
  public NetPeerNetwork receiver(BiConsumer<Long, byte[]> receiver) {
    this.receiver = receiver;
    return this;
  }

  /** Starts listening on this node's peer address. */
  public Future<NetPeerNetwork> listen() {
    ClusterConfig.Member me = cluster.member(self);
    server.connectHandler(this::accepted);
    return server.listen(me.peerPort(), me.host()).map(s -> {
      LOG.info("node {}: peer links on {}:{}", self, me.host(), s.actualPort());
      return this;
    });
  }

  @Override
  public void send(long to, byte[] frame) {
    Link link = links.get(to);
    if (link == null || closed) {
      return;
    }
    if (link.socket == null) {
      connect(link);
      return;
    }
    if (link.socket.writeQueueFull()) {
      return;
    }
    if (link.pending == null) {
      link.pending = Buffer.buffer(frame.length + 64);
      vertx.runOnContext(v -> flush(link));
    }
    link.pending.appendInt(frame.length).appendBytes(frame);
  }

  @Override
  public void sendFile(long to, Path file, ChunkFramer framer, byte[] last, Consumer<Throwable> done) {
    Link link = links.get(to);
    NetSocket socket = link == null ? null : link.socket;
    if (socket == null || closed) {
      if (link != null) {
        connect(link);
      }
      done.accept(new IllegalStateException("no link to node " + to));
      return;
    }
    vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false)).onComplete(opened -> {
      if (opened.failed()) {
        done.accept(opened.cause());
        return;
      }
      AsyncFile in = opened.result();
      vertx.fileSystem().props(file.toString()).onComplete(props -> {
        if (props.failed()) {
          in.close();
          done.accept(props.cause());
          return;
        }
        streamChunk(link, socket, in, 0, props.result().size(), framer, last, done);
      });
    });
  }

  /** Sends the chunk at {@code offset}, then the next once the link has room; {@code last} after the end. */
  private void streamChunk(Link link, NetSocket socket, AsyncFile in, long offset, long total, ChunkFramer framer,
                           byte[] last, Consumer<Throwable> done) {
    if (link.socket != socket || closed) {
      in.close();
      done.accept(new IllegalStateException("link to node " + link.peer + " closed during a file transfer"));
      return;
    }
    if (offset >= total) {
      in.close();
      socket.write(framed(last));
      done.accept(null);
      return;
    }
    int length = (int) Math.min(FILE_CHUNK, total - offset);
    in.read(Buffer.buffer(length), 0, offset, length).onComplete(read -> {
      if (read.failed()) {
        in.close();
        done.accept(read.cause());
        return;
      }
      byte[] frame = framer.frame(offset, read.result().getBytes(), total);
      socket.write(framed(frame));
      long next = offset + length;
      if (socket.writeQueueFull()) {
        socket.drainHandler(v -> {
          socket.drainHandler(null);
          streamChunk(link, socket, in, next, total, framer, last, done);
        });
      } else {
        streamChunk(link, socket, in, next, total, framer, last, done);
      }
    });
  }

  private static Buffer framed(byte[] frame) {
    return Buffer.buffer(frame.length + 4).appendInt(frame.length).appendBytes(frame);
  }

  private void flush(Link link) {
    Buffer out = link.pending;
    link.pending = null;
    if (out != null && link.socket != null) {
      link.socket.write(out);
    }
  }

  private void connect(Link link) {
    long now = System.currentTimeMillis();
    if (link.connecting || now - link.lastAttempt < RECONNECT_MS) {
      return;
    }
    link.connecting = true;
    link.lastAttempt = now;
    ClusterConfig.Member peer = cluster.member(link.peer);
    client.connect(peer.peerPort(), peer.host()).onComplete(ar -> {
      link.connecting = false;
      if (ar.failed()) {
        LOG.debug("node {}: cannot reach node {}: {}", self, link.peer, ar.cause().getMessage());
        return;
      }
      NetSocket socket = ar.result();
      if (closed) {
        socket.close();
        return;
      }
      socket.write(Buffer.buffer().appendInt(12).appendInt(MAGIC).appendLong(self));
      link.socket = socket;
      socket.handler(b -> {
        // nothing is expected back on a dialed link
      });
      socket.closeHandler(v -> {
        if (link.socket == socket) {
          link.socket = null;
          link.pending = null;
          LOG.info("node {}: link to node {} closed", self, link.peer);
        }
      });
      socket.exceptionHandler(t -> socket.close());
      LOG.info("node {}: linked to node {}", self, link.peer);
    });
  }

  private void accepted(NetSocket socket) {
    long[] from = {0};
    RecordParser parser = RecordParser.newFixed(4);
    int[] expected = {-1};
    parser.handler(b -> {
      if (expected[0] == -1) {
        int length = b.getInt(0);
        if (length < 1 || length > MAX_FRAME) {
          LOG.warn("node {}: closing a peer connection that sent a frame of {} bytes", self, length);
          socket.close();
          return;
        }
        expected[0] = length;
        parser.fixedSizeMode(length);
        return;
      }
      expected[0] = -1;
      parser.fixedSizeMode(4);
      if (from[0] == 0) {
        if (b.length() != 12 || b.getInt(0) != MAGIC || !links.containsKey(b.getLong(4))) {
          LOG.warn("node {}: closing a connection from {} that is not a member of this cluster", self,
              socket.remoteAddress());
          socket.close();
          return;
        }
        from[0] = b.getLong(4);
        return;
      }
      receiver.accept(from[0], b.getBytes());
    });
    socket.handler(parser);
    socket.exceptionHandler(t -> socket.close());
  }

  /** Closes every link and stops listening. */
  public Future<Void> close() {
    closed = true;
    for (Link link : links.values()) {
      if (link.socket != null) {
        link.socket.close();
      }
    }
    return Future.join(server.close(), client.close()).mapEmpty();
  }
}
