package io.baton.zookeeper.impl;

import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.limit.Limits;
import io.baton.core.watch.WatchEvent;
import io.baton.tls.PeerCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.Set;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the ZooKeeper port, on the owner's event loop: first a ConnectRequest
 * (read nothing else until its session is open), then requests, answered in their order, and watch
 * notifications. It reads only while it has fewer than {@code maxInflightPerConnection} requests
 * unanswered and fewer than {@code outboundHighWaterBytes} queued to the client; past
 * {@code maxOutboundBytes} queued it is closed. A packet begun, and the ConnectRequest, must arrive
 * within {@code frameTimeoutMs}. Bad framing or a first packet that is no ConnectRequest closes it.
 */
final class ZkConnection {
  private static final Logger LOG = LoggerFactory.getLogger(ZkConnection.class);

  private final Connections server;
  private final Vertx vertx;
  private final NetSocket socket;
  private final String host;
  private final Set<Identity> identities;
  private final Limits limits;
  private final PacketReader reader;
  private final ReplyQueue replies;
  private long sessionId;
  private boolean connected;
  private boolean closing;
  /** The client closes its session: nothing more is read, but the events of the close still go out. */
  private boolean closingSession;
  private boolean closed;
  private boolean paused;
  private boolean behind;
  private long queuedBytes;
  private long timer = -1;
  private final long established = System.currentTimeMillis();
  private int timeoutMs;
  private long received;
  private long sent;

  ZkConnection(Connections server, Vertx vertx, NetSocket socket, String host, Limits limits) {
    this.server = server;
    this.vertx = vertx;
    this.socket = socket;
    this.host = host;
    String x509 = PeerCertificates.x509Subject(socket);
    this.identities = x509 == null ? Set.of(new Identity("ip", host))
        : Set.of(new Identity("ip", host), new Identity("x509", x509));
    this.limits = limits;
    this.replies = new ReplyQueue(this::write);
    this.reader = new PacketReader(limits.zkMaxBuffer(), new PacketReader.Packets() {
      @Override
      public void packet(Buffer payload) {
        onPacket(payload);
      }

      @Override
      public void refused(int length, int max) {
        closeWith("a packet length of " + length + " is outside 0.." + max + " (zkMaxBuffer)");
      }

      @Override
      public boolean first(int header) {
        String word = FourLetterWords.word(header);
        if (word == null) {
          return false;
        }
        LOG.debug("four-letter word {} from {}", word, host);
        closing = true;
        socket.end(Buffer.buffer(server.fourLetterWords().answer(word), "ISO-8859-1"));
        return true;
      }
    });
    socket.handler(this::received);
    socket.exceptionHandler(t -> {
      LOG.debug("ZooKeeper connection from {} failed: {}", host, t.toString());
      socket.close();
    });
    socket.closeHandler(v -> closed());
    startTimer();
  }

  String host() {
    return host;
  }

  /** What this connection proves about its client: its address ({@code ip}) and certificate subject ({@code x509}). */
  Set<Identity> identities() {
    return identities;
  }

  /** Whether the connection is still up and not being closed. */
  boolean isOpen() {
    return !closed && !closing;
  }

  /** The session this connection serves; 0 before the handshake. */
  long session() {
    return sessionId;
  }

  // ---------------------------------------------------------------- reading

  private void received(Buffer bytes) {
    long before = reader.packets();
    reader.handle(bytes);
    if (connected && (reader.packets() != before || !reader.midPacket()) || timer < 0) {
      startTimer();
    }
  }

  private void onPacket(Buffer payload) {
    if (closing) {
      return;
    }
    received++;
    server.countReceived();
    if (!connected) {
      pause(true);
      server.handshake(this, payload);
      return;
    }
    RequestHeader header;
    Packets.Input in = Packets.input(payload);
    try {
      header = in.read(new RequestHeader());
    } catch (IOException e) {
      closeWith("a packet of " + payload.length() + " bytes without a request header");
      return;
    }
    server.requests().handle(this, header.getXid(), header.getType(), in);
    updateReading();
  }

  /** The handshake opened or resumed {@code session}: serve requests from now on. */
  void connected(long session, int timeoutMs, Buffer response) {
    this.sessionId = session;
    this.timeoutMs = timeoutMs;
    this.connected = true;
    write(response);
    pause(false);
  }

  /**
   * Times what the client owes: the ConnectRequest, or the rest of a packet begun, however it
   * trickles in. Not while this connection is paused (then the node, not the client, is waited for).
   */
  private void startTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    boolean owed = !connected || reader.midPacket();
    if (!closed && !closing && !paused && owed) {
      timer = vertx.setTimer(limits.frameTimeoutMs(), id -> {
        timer = -1;
        if (!closed && !closing && !paused) {
          closeWith(connected ? "a packet was not complete within " + limits.frameTimeoutMs() + " ms (frameTimeoutMs)"
              : "no ConnectRequest within " + limits.frameTimeoutMs() + " ms (frameTimeoutMs)");
        }
      });
    }
  }

  // ---------------------------------------------------------------- replies

  /** Takes the next place in the reply order for a request with {@code xid}. */
  ReplyQueue.Slot reserve(int xid) {
    return replies.reserve(xid);
  }

  /** Answers a request: {@code body} (may be null for none) with error code 0. */
  void answer(ReplyQueue.Slot slot, Record body) {
    replies.fill(slot, Packets.reply(slot.xid, server.lastZxid(), ZkCodes.OK, body), null);
    updateReading();
  }

  /** Answers a request with an error code and no body. */
  void fail(ReplyQueue.Slot slot, BatonException error) {
    fail(slot, ZkCodes.of(error.code()));
  }

  void fail(ReplyQueue.Slot slot, int code) {
    replies.fill(slot, Packets.reply(slot.xid, server.lastZxid(), code, null), null);
    updateReading();
  }

  /** Answers the request that closed this connection's session, then closes the connection. */
  void answerAndClose(ReplyQueue.Slot slot, BatonException error) {
    int code = error == null ? ZkCodes.OK : ZkCodes.of(error.code());
    replies.fill(slot, Packets.reply(slot.xid, server.lastZxid(), code, null), () -> {
      closing = true;
      socket.close();
    });
  }

  /** Writes a packet that is not matched against the client's requests in order (ping, auth replies). */
  void send(Buffer packet) {
    write(packet);
  }

  /** Delivers a watch notification now: before any reply that reveals its change. */
  void notify(WatchEvent event) {
    if (connected && (!closing || closingSession) && !closed) {
      write(Packets.notification(event));
    }
  }

  /** The client closes its session: read nothing more from it. */
  void closingSession() {
    closing = true;
    closingSession = true;
    reader.stop();
  }

  /** This connection's session ended (expired, closed elsewhere): as ZooKeeper, the connection is closed. */
  void sessionEnded() {
    sessionId = 0;
    if (!closing) {
      LOG.info("closing ZooKeeper connection from {}: its session ended", host);
      close();
    }
  }

  /** Another connection took this one's session over (its client reconnected). */
  void replaced() {
    sessionId = 0;
    LOG.info("closing ZooKeeper connection from {}: its session moved to a newer connection", host);
    close();
  }

  private void write(Buffer packet) {
    if (closed) {
      return;
    }
    int length = packet.length();
    queuedBytes += length;
    sent++;
    server.countSent();
    socket.write(packet).onComplete(ar -> {
      queuedBytes -= length;
      if (behind && queuedBytes <= limits.outboundHighWaterBytes() / 2) {
        behind = false;
        updateReading();
      }
    });
    if (queuedBytes > limits.maxOutboundBytes()) {
      LOG.warn("closing ZooKeeper connection from {}: not reading its replies ({} bytes queued, maxOutboundBytes {})",
          host, queuedBytes, limits.maxOutboundBytes());
      close();
    } else if (!behind && queuedBytes > limits.outboundHighWaterBytes()) {
      behind = true;
      updateReading();
    }
  }

  /** Requests read and not yet answered. */
  int outstanding() {
    return replies.size();
  }

  /**
   * A line of ZooKeeper's {@code cons} ({@code full}) or {@code stat}: address, interest ops, queued,
   * received and sent packets, then session, established time and timeout.
   */
  String describe(boolean full) {
    String remote = socket.remoteAddress() == null ? host : socket.remoteAddress().host() + ":"
        + socket.remoteAddress().port();
    StringBuilder s = new StringBuilder(" /").append(remote).append('[').append(paused ? 0 : 1).append("](queued=")
        .append(replies.size()).append(",recved=").append(received).append(",sent=").append(sent);
    if (full) {
      s.append(",sid=0x").append(Long.toHexString(sessionId)).append(",est=").append(established).append(",to=")
          .append(timeoutMs).append(",lzxid=0x").append(Long.toHexString(server.lastZxid()));
    }
    return s.append(')').toString();
  }

  // ---------------------------------------------------------------- flow and closing

  /** Reads while few enough requests are unanswered and the client takes its replies. */
  private void updateReading() {
    if (connected) {
      pause(behind || replies.size() >= limits.maxInflightPerConnection());
    }
  }

  private void pause(boolean pause) {
    if (closed || pause == paused) {
      return;
    }
    paused = pause;
    if (pause) {
      reader.pause();
      socket.pause();
    } else {
      socket.resume();
      reader.resume();
    }
    startTimer();
  }

  /** Logs why, then closes without a word to the client (ZooKeeper's protocol has none for these). */
  void closeWith(String reason) {
    if (!closed && !closing) {
      LOG.warn("closing ZooKeeper connection from {}: {}", host, reason);
      close();
    }
  }

  void close() {
    closing = true;
    reader.stop();
    socket.close();
  }

  private void closed() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    server.removed(this);
  }
}
