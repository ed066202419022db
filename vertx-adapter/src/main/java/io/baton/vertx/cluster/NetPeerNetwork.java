package io.baton.vertx.cluster;

import io.baton.core.replication.ClusterConfig;
import io.baton.core.replication.ClusterSecret;
import io.baton.core.replication.PeerCodec;
import io.baton.core.replication.PeerNetwork;
import io.baton.vertx.net.FrameReader;
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
import java.util.HashMap;
import java.util.Map;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The links between the nodes of a cluster over Vert.x TCP (TLS when the given options enable it).
 * Every node listens on its peer port and dials each other node; a node sends only on the
 * connections it dialed and receives on the ones it accepted. Links are kept up, redialed every
 * {@value #RECONNECT_MS} ms while down, so that the members that survive a node's loss can talk to each
 * other at once (followers of a live leader have nothing to say to each other, but the first
 * messages of the next election must not wait for a dial). Frames are length-prefixed. Frames sent
 * while a link is being dialed go out once it is made; frames for a peer that is unreachable, or whose
 * connection is backed up, are dropped (Raft retransmits); frames queued in one event-loop turn go out
 * in one write. Must be created and used on the coordinator's context.
 *
 * <p>Authentication: the accepting node at once sends a fresh random nonce of
 * {@link ClusterSecret#PROOF_BYTES}; the dialing node answers with a hello frame {@code int magic,
 * short version, long its id, proof} where the proof is {@link ClusterSecret#prove} of that nonce
 * and both ids. Until a valid hello from another member arrives, within {@link #HELLO_TIMEOUT_MS},
 * a frame longer than {@link #HELLO_MAX_BYTES} closes the connection before it is buffered, and
 * nothing is believed; afterwards frames are bounded by the largest a member sends. Nothing but the
 * nonce is read on a dialed link. Every refusal is one WARN line naming the remote address. On TLS
 * links (the given options), a certificate either end presents must name its node ({@link
 * PeerCertificates}).
 */
public final class NetPeerNetwork implements PeerNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(NetPeerNetwork.class);
  private static final int MAGIC = 0x4241544E; // "BATN"
  private static final short VERSION = 1;
  private static final int HELLO_BYTES = 4 + 2 + 8 + ClusterSecret.PROOF_BYTES;
  /** Largest frame read before a peer is authenticated. */
  static final int HELLO_MAX_BYTES = 256;
  /** Time a new connection has to authenticate. */
  static final long HELLO_TIMEOUT_MS = 2_000;
  /** Time a dialed connection waits for its nonce: longer, so that a late one still makes the link. */
  private static final long CHALLENGE_TIMEOUT_MS = 2 * HELLO_TIMEOUT_MS;
  private static final long RECONNECT_MS = 200;

  private final Vertx vertx;
  private final long self;
  private final ClusterConfig cluster;
  private final NetServer server;
  private final NetClient client;
  private final int maxFrameBytes;
  private final SecureRandom random = new SecureRandom();
  private final Map<Long, Link> links = new HashMap<>();
  private BiConsumer<Long, byte[]> receiver = (from, frame) -> {
  };
  private java.util.function.LongConsumer lost = peer -> {
  };
  /** Authenticated connections from each member. */
  private final Map<Long, Integer> inbound = new HashMap<>();
  private boolean closed;
  private long redial = -1;

  private final class Link {
    final long peer;
    /** The authenticated connection frames go out on. */
    NetSocket socket;
    /** A connection waiting for its nonce. */
    NetSocket handshaking;
    boolean connecting;
    long lastAttempt;
    Buffer pending;

    Link(long peer) {
      this.peer = peer;
    }
  }

  /**
   * @param maxFrameBytes largest frame accepted from an authenticated member ({@link
   *                      io.baton.core.replication.PeerCodec#maxFrameBytes}); larger ones close the link
   */
  public NetPeerNetwork(Vertx vertx, long self, ClusterConfig cluster, int maxFrameBytes,
                        NetServerOptions serverOptions, NetClientOptions clientOptions) {
    this.vertx = vertx;
    this.self = self;
    this.cluster = cluster;
    this.maxFrameBytes = maxFrameBytes;
    this.server = vertx.createNetServer(new NetServerOptions(serverOptions).setTcpNoDelay(true));
    this.client = vertx.createNetClient(new NetClientOptions(clientOptions).setTcpNoDelay(true)
        .setConnectTimeout(1_000));
    for (long id : cluster.voters()) {
      if (id != self) {
        links.put(id, new Link(id));
      }
    }
    // loads and seeds the crypto now rather than in the first handshakes, while Raft's timers run
    cluster.secret().prove(nonce(), self, self);
  }

  private byte[] nonce() {
    byte[] nonce = new byte[ClusterSecret.PROOF_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }

  /** Where received frames go: {@code (fromNodeId, frame)}, on this context. */
  public NetPeerNetwork receiver(BiConsumer<Long, byte[]> receiver) {
    this.receiver = receiver;
    return this;
  }

  /**
   * Told, on this context, when the last authenticated connection from a member closed (its process
   * most likely died: a crashed process's connections close at once).
   */
  public NetPeerNetwork lost(java.util.function.LongConsumer lost) {
    this.lost = lost;
    return this;
  }

  /** Starts listening on this node's peer address. */
  public Future<NetPeerNetwork> listen() {
    ClusterConfig.Member me = cluster.member(self);
    server.connectHandler(this::accepted);
    return server.listen(me.peerPort(), me.host()).map(s -> {
      if (!closed) {
        redial = vertx.setPeriodic(1, RECONNECT_MS, t -> links.values().forEach(this::keepUp));
      }
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
    if (frame.length > maxFrameBytes) {
      LOG.warn("node {}: not sending node {} a frame of {} bytes, more than the {} a peer accepts", self, to,
          frame.length, maxFrameBytes);
      return;
    }
    if (link.socket == null) {
      connect(link);
      if (link.connecting) {
        queue(link, frame, false); // goes out once the link is made
      }
      return;
    }
    if (link.socket.writeQueueFull()) {
      return;
    }
    queue(link, frame, true);
  }

  private void queue(Link link, byte[] frame, boolean flushThisTurn) {
    if (link.pending != null && link.pending.length() + 4L + frame.length > pendingCap()) {
      // more than a turn's worth for one peer (a leader catching a follower up): Raft sends it again
      LOG.debug("node {}: dropping a frame of {} bytes to node {}: {} bytes already queued this turn", self,
          frame.length, link.peer, link.pending.length());
      return;
    }
    if (link.pending == null) {
      link.pending = Buffer.buffer(frame.length + 64);
      if (flushThisTurn) {
        vertx.runOnContext(v -> flush(link));
      }
    }
    link.pending.appendInt(frame.length).appendBytes(frame);
  }

  /** Dials a peer whose link is down (at most every {@value #RECONNECT_MS} ms). */
  private void keepUp(Link link) {
    if (!closed && link.socket == null) {
      connect(link);
    }
  }

  /**
   * Bytes queued for one peer in one event-loop turn, at most: two of the largest frames. Past it
   * frames are dropped (Raft retransmits), so a leader with a long backlog for a lagging follower
   * holds a bounded buffer per peer, not its whole backlog at once (a 5-node soak ran a leader out of
   * heap that way).
   */
  private long pendingCap() {
    return 2L * maxFrameBytes + 8;
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
    int length = (int) Math.min(PeerCodec.SNAPSHOT_CHUNK_BYTES, total - offset);
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
      if (ar.failed()) {
        dialEnded(link);
        LOG.debug("node {}: cannot reach node {}: {}", self, link.peer, ar.cause().getMessage());
        return;
      }
      NetSocket socket = ar.result();
      if (closed) {
        dialEnded(link);
        socket.close();
        return;
      }
      dialed(link, socket);
    });
  }

  /** A dial that did not make the link: what was sent meanwhile is dropped (Raft sends it again). */
  private void dialEnded(Link link) {
    link.connecting = false;
    link.pending = null;
  }

  /** Waits for exactly the acceptor's nonce, answers with the hello and makes the link usable. */
  private void dialed(Link link, NetSocket socket) {
    String wrongCertificate = PeerCertificates.mismatch(socket, link.peer);
    if (wrongCertificate != null) {
      LOG.warn("node {}: closing the link to node {} ({}): {}", self, link.peer, socket.remoteAddress(),
          wrongCertificate);
      dialEnded(link);
      socket.close();
      return;
    }
    link.handshaking = socket;
    Buffer nonce = Buffer.buffer(ClusterSecret.PROOF_BYTES);
    long timer = vertx.setTimer(CHALLENGE_TIMEOUT_MS, t -> {
      if (link.handshaking == socket) {
        LOG.warn("node {}: closing the link to node {} ({}): no challenge within {} ms", self, link.peer,
            socket.remoteAddress(), CHALLENGE_TIMEOUT_MS);
        socket.close();
      }
    });
    socket.handler(b -> {
      if (link.handshaking != socket || nonce.length() + b.length() > ClusterSecret.PROOF_BYTES) {
        LOG.warn("node {}: closing the link to node {} ({}): it sent more than a challenge", self, link.peer,
            socket.remoteAddress());
        socket.handler(null);
        socket.close();
        return;
      }
      nonce.appendBuffer(b);
      if (nonce.length() < ClusterSecret.PROOF_BYTES) {
        return;
      }
      vertx.cancelTimer(timer);
      link.handshaking = null;
      link.connecting = false;
      byte[] proof = cluster.secret().prove(nonce.getBytes(), self, link.peer);
      socket.write(Buffer.buffer(4 + HELLO_BYTES).appendInt(HELLO_BYTES).appendInt(MAGIC).appendShort(VERSION)
          .appendLong(self).appendBytes(proof));
      link.socket = socket;
      LOG.info("node {}: linked to node {}", self, link.peer);
      flush(link); // what was sent while dialing
    });
    socket.closeHandler(v -> {
      vertx.cancelTimer(timer);
      if (link.handshaking == socket) {
        link.handshaking = null;
        dialEnded(link);
      }
      if (link.socket == socket) {
        link.socket = null;
        link.pending = null;
        LOG.info("node {}: link to node {} closed", self, link.peer);
      }
    });
    socket.exceptionHandler(t -> socket.close());
  }

  private void accepted(NetSocket socket) {
    if (closed) {
      socket.close();
      return;
    }
    new Inbound(socket);
  }

  /** A connection a peer dialed: challenged, then read once the peer proved it is a member. */
  private final class Inbound {
    private final NetSocket socket;
    private final byte[] nonce = nonce();
    private final FrameReader reader;
    private final long timer;
    private long from;

    Inbound(NetSocket socket) {
      this.socket = socket;
      reader = new FrameReader(HELLO_MAX_BYTES, new FrameReader.Frames() {
        @Override
        public void frame(Buffer frame) {
          Inbound.this.frame(frame);
        }

        @Override
        public void refused(int length, int max) {
          refuse("a frame of " + length + " bytes (1.." + max + " allowed)");
        }
      });
      timer = vertx.setTimer(HELLO_TIMEOUT_MS, t -> {
        if (from == 0) {
          refuse("no hello within " + HELLO_TIMEOUT_MS + " ms");
        }
      });
      socket.handler(reader);
      socket.closeHandler(v -> {
        vertx.cancelTimer(timer);
        if (from != 0 && inbound.merge(from, -1, Integer::sum) == 0) {
          inbound.remove(from);
          if (!closed) {
            lost.accept(from);
          }
        }
      });
      socket.exceptionHandler(t -> socket.close());
      socket.write(Buffer.buffer(nonce));
    }

    private void frame(Buffer b) {
      if (from != 0) {
        receiver.accept(from, b.getBytes());
        return;
      }
      String problem = helloProblem(b);
      if (problem != null) {
        refuse(problem);
        return;
      }
      from = b.getLong(6);
      inbound.merge(from, 1, Integer::sum);
      vertx.cancelTimer(timer);
      reader.maxFrameBytes(maxFrameBytes);
      LOG.info("node {}: link from node {} ({}) authenticated", self, from, socket.remoteAddress());
    }

    /** Why {@code b} is not a valid hello from another member on this connection, or null if it is. */
    private String helloProblem(Buffer b) {
      if (b.length() != HELLO_BYTES || b.getInt(0) != MAGIC) {
        return "not a peer hello";
      }
      if (b.getShort(4) != VERSION) {
        return "peer protocol version " + b.getShort(4) + ", expected " + VERSION;
      }
      long id = b.getLong(6);
      if (id == self) {
        return "a hello claiming this node's own id " + id;
      }
      if (!links.containsKey(id)) {
        return "a hello claiming node id " + id + ", not a member of this cluster";
      }
      if (!cluster.secret().verifies(b.getBytes(14, HELLO_BYTES), nonce, id, self)) {
        return "a hello claiming node " + id + " without a valid proof of the cluster secret";
      }
      return PeerCertificates.mismatch(socket, id);
    }

    private void refuse(String reason) {
      reader.stop();
      vertx.cancelTimer(timer);
      if (from == 0) {
        LOG.warn("node {}: refused a peer connection from {}: {}", self, socket.remoteAddress(), reason);
      } else {
        LOG.warn("node {}: closing the link from node {} ({}): {}", self, from, socket.remoteAddress(), reason);
      }
      socket.close();
    }
  }

  /** Closes every link and stops listening. */
  public Future<Void> close() {
    closed = true;
    if (redial >= 0) {
      vertx.cancelTimer(redial);
    }
    for (Link link : links.values()) {
      if (link.socket != null) {
        link.socket.close();
      }
      if (link.handshaking != null) {
        link.handshaking.close();
      }
    }
    return Future.join(server.close(), client.close()).mapEmpty();
  }
}
