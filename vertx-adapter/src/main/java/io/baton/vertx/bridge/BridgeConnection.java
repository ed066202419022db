package io.baton.vertx.bridge;

import io.baton.core.auth.Identity;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.tls.PeerCertificates;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.net.FrameReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link BridgeServer}, on the owner's event loop. It reads frames
 * only while it has fewer than {@code maxInflightPerConnection} requests being served and fewer than
 * {@code outboundHighWaterBytes} bytes queued to the client; past {@code maxOutboundBytes} queued it
 * is closed. A frame begun must arrive whole within {@code frameTimeoutMs}.
 */
final class BridgeConnection {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);

  private final BridgeServer server;
  private final Vertx vertx;
  private final NetSocket socket;
  private final String host;
  private final String x509Subject;
  private final Set<Identity> identities;
  private final Limits limits;
  private final FrameReader reader;
  private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
  private final Set<Long> sessions = new HashSet<>();
  private int inflight;
  private long queuedBytes;
  private boolean behind;
  private boolean paused;
  private boolean closed;
  private long frameTimer = -1;

  BridgeConnection(BridgeServer server, Vertx vertx, NetSocket socket, String host, Limits limits) {
    this.server = server;
    this.vertx = vertx;
    this.socket = socket;
    this.host = host;
    this.x509Subject = PeerCertificates.x509Subject(socket);
    this.identities = x509Subject == null ? Set.of(new Identity("ip", host))
        : Set.of(new Identity("ip", host), new Identity("x509", x509Subject));
    this.limits = limits;
    this.reader = new FrameReader(limits.maxFrameBytes(), new FrameReader.Frames() {
      @Override
      public void frame(Buffer frame) {
        onFrame(frame);
      }

      @Override
      public void refused(int length, int max) {
        closeWith("invalid_frame_length: frame length " + length + " is outside 1.." + max + " (maxFrameBytes)");
      }
    });
    socket.handler(this::received);
    socket.exceptionHandler(t -> {
      LOG.debug("bridge connection from {} failed: {}", host, t.toString());
      socket.close();
    });
    socket.closeHandler(v -> closed());
  }

  String host() {
    return host;
  }

  /** What this connection proves about its client: its address ({@code ip}) and certificate subject ({@code x509}). */
  Set<Identity> identities() {
    return identities;
  }

  /**
   * The subject of the certificate the client presented on a TLS connection, as an RFC 2253 string
   * ({@code getSubjectX500Principal().getName()}, as ZooKeeper's X509AuthenticationProvider reads
   * it, e.g. {@code CN=app-1,OU=Payments,O=Example}); null on a plaintext connection or when the
   * client presented none. Read once, when the connection was accepted (after its handshake).
   */
  String x509Subject() {
    return x509Subject;
  }

  Set<String> addresses() {
    return consumers.keySet();
  }

  /** True while the client takes what is written to it (its queue is under the high-water mark). */
  boolean writable() {
    return !behind && !closed;
  }

  private void received(Buffer bytes) {
    long before = reader.frames();
    reader.handle(bytes);
    if (reader.frames() != before || !reader.midFrame() || frameTimer < 0) {
      timeFrame();
    }
  }

  /**
   * Times the frame now begun, if any: it must be whole within {@code frameTimeoutMs} of now, however
   * it trickles in. Not while the connection is paused (then the bridge, not the client, waits).
   */
  private void timeFrame() {
    if (frameTimer >= 0) {
      vertx.cancelTimer(frameTimer);
      frameTimer = -1;
    }
    if (!closed && !paused && reader.midFrame()) {
      frameTimer = vertx.setTimer(limits.frameTimeoutMs(), id -> {
        frameTimer = -1;
        if (!closed && !paused && reader.midFrame()) {
          closeWith("frame_timeout: a frame was not complete within " + limits.frameTimeoutMs()
              + " ms (frameTimeoutMs)");
        }
      });
    }
  }

  private void onFrame(Buffer json) {
    InboundFrame frame;
    try {
      frame = InboundFrame.parse(json);
    } catch (InboundFrame.Malformed m) {
      refuse(m.getMessage(), m.replyAddress(), m.sourceAddress());
      return;
    }
    switch (frame.type()) {
      case "ping" -> write(BridgeFrames.pong());
      case "send", "publish" -> {
        String reply = frame.type().equals("send") ? frame.replyAddress() : null;
        if (!server.maySend(frame.address())) {
          refuse("access_denied: frames may be sent only to '" + server.address() + "'", reply, frame.address());
        } else {
          request(frame.address(), reply, frame.body());
        }
      }
      case "register" -> register(frame.address(), frame.headers());
      case "unregister" -> unregister(frame.address());
      default -> throw new IllegalStateException("unchecked frame type " + frame.type());
    }
  }

  private void request(String address, String replyAddress, Object body) {
    boolean opening = body instanceof JsonObject j && "openSession".equals(j.getValue("op"));
    if (opening && !roomForSession()) {
      String why = "this connection has " + sessions.size() + " open sessions, the most one connection may open"
          + " (maxSessionsPerConnection)";
      LOG.info("refused openSession from {}: {}", host, why);
      if (replyAddress != null) {
        write(BridgeFrames.failure(replyAddress, address, ErrorCode.THROTTLED.value(),
            ReplyFailure.RECIPIENT_FAILURE.name(), ErrorCode.THROTTLED.displayName() + ": " + why));
      }
      return;
    }
    inflight++;
    server.serve(new BridgeRequest(this, address, replyAddress, body, opening));
    updateReading();
  }

  private boolean roomForSession() {
    if (sessions.size() < limits.maxSessionsPerConnection()) {
      return true;
    }
    sessions.removeIf(id -> !server.sessionOpen(id));
    return sessions.size() < limits.maxSessionsPerConnection();
  }

  /** A request of this connection was answered: {@code message} is the reply body or a {@link ReplyException}. */
  void answered(BridgeRequest request, Object message) {
    inflight--;
    if (closed) {
      return;
    }
    if (request.opensSession() && message instanceof JsonObject j && j.getValue("session") instanceof String id) {
      sessions.add(Protocol.parseHex(id));
    }
    if (request.replyAddress() != null) {
      if (message instanceof ReplyException e) {
        write(BridgeFrames.failure(request.replyAddress(), request.address(), e.failureCode(), e.failureType().name(),
            e.getMessage()));
      } else {
        write(BridgeFrames.message(request.replyAddress(), message, true));
      }
    }
    updateReading();
  }

  private void register(String address, JsonObject headers) {
    String refusal = server.registrationRefusal(address, headers);
    if (refusal != null) {
      refuse(refusal, null, address);
      return;
    }
    if (consumers.containsKey(address)) {
      return;
    }
    if (consumers.size() >= limits.maxSessionsPerConnection()) {
      refuse("too_many_registrations: a connection may register at most " + limits.maxSessionsPerConnection()
          + " addresses (maxSessionsPerConnection)", null, address);
      return;
    }
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address,
        m -> write(BridgeFrames.message(address, m.body(), m.isSend())));
    consumers.put(address, consumer);
    server.registered(address, this);
  }

  private void unregister(String address) {
    if (!server.isSessionAddress(address)) {
      refuse("access_denied: only '" + server.address() + ".session.<session>' may be unregistered", null, address);
      return;
    }
    MessageConsumer<Object> consumer = consumers.remove(address);
    if (consumer == null) {
      refuse("unknown_address: '" + address + "' is not registered on this connection", null, address);
      return;
    }
    consumer.unregister();
    server.unregistered(address, this);
  }

  /**
   * Answers a frame the bridge will not serve: when its sender waits for a reply, as that reply's
   * failure (failure type {@code ERROR}: the bridge refused, the node never saw it; code BadArguments),
   * else as an err frame. The connection stays usable.
   */
  private void refuse(String reason, String replyAddress, String sourceAddress) {
    LOG.info("refused a frame from {}: {}", host, reason);
    if (replyAddress != null) {
      write(BridgeFrames.failure(replyAddress, sourceAddress, ErrorCode.BAD_ARGUMENTS.value(),
          ReplyFailure.ERROR.name(), reason));
    } else {
      write(BridgeFrames.error(reason));
    }
  }

  private void write(Buffer frame) {
    if (closed) {
      return;
    }
    int length = frame.length();
    queuedBytes += length;
    socket.write(frame).onComplete(ar -> {
      queuedBytes -= length;
      if (behind && queuedBytes <= limits.outboundHighWaterBytes() / 2) {
        behind = false;
        updateReading();
        server.drained(this);
      }
    });
    if (queuedBytes > limits.maxOutboundBytes()) {
      LOG.warn("closing bridge connection from {}: not reading its replies ({} bytes queued, maxOutboundBytes {})",
          host, queuedBytes, limits.maxOutboundBytes());
      closed = true;
      socket.close();
    } else if (!behind && queuedBytes > limits.outboundHighWaterBytes()) {
      behind = true;
      updateReading();
    }
  }

  /** Reads while few enough requests are served and the client takes its replies; pauses otherwise. */
  private void updateReading() {
    boolean pause = behind || inflight >= limits.maxInflightPerConnection();
    if (pause && !paused && !closed) {
      paused = true;
      reader.pause();
      socket.pause();
      timeFrame();
    } else if (!pause && paused && !closed) {
      paused = false;
      socket.resume();
      reader.resume();
      timeFrame();
    }
  }

  /** Sends {@code reason} as an err frame, then closes. */
  void closeWith(String reason) {
    if (closed) {
      return;
    }
    LOG.warn("closing bridge connection from {}: {}", host, reason);
    write(BridgeFrames.error(reason));
    closed = true;
    reader.pause();
    // closing with unread input makes the kernel reset the connection, which can discard the err frame
    // before the client reads it: what still arrives is read and dropped for a moment, then the socket closes
    socket.handler(ignored -> {
    });
    socket.resume();
    vertx.setTimer(LINGER_MS, t -> socket.close());
  }

  /** How long a connection being closed for a reason is drained before it is closed. */
  private static final long LINGER_MS = 500;

  private void closed() {
    closed = true;
    if (frameTimer >= 0) {
      vertx.cancelTimer(frameTimer);
      frameTimer = -1;
    }
    consumers.values().forEach(MessageConsumer::unregister);
    server.removed(this);
    consumers.clear();
  }
}
