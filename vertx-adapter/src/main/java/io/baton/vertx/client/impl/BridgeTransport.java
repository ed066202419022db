package io.baton.vertx.client.impl;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ClientTls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.baton.vertx.api.JsonWire;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transport over a node's client bridge (the protocol of Vert.x's TCP event-bus bridge): frames of a
 * 4-byte big-endian length and a JSON document ({@code send} with a {@code replyAddress},
 * {@code register}, replies as {@code message} or {@code err}). An {@code err} that names no reply
 * address fails nothing; it is logged, and if the bridge then closes the connection, it is the
 * reason given to the requests that fail. Works from any process, JVM or not, that can open a socket.
 */
public final class BridgeTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeTransport.class);
  private final Vertx vertx;
  private final Context context;
  private final NetClient client;
  private final NetSocket socket;
  private final String address;
  private final long timeoutMs;
  private final String replyPrefix = "baton.reply." + UUID.randomUUID() + ".";
  private final Map<String, Promise<JsonObject>> pending = new HashMap<>();
  private final Map<String, Long> timers = new HashMap<>();
  private final Map<String, Handler<JsonObject>> subscriptions = new HashMap<>();
  private Handler<Void> closeHandler;
  private String lastError;
  private long counter;
  private boolean closed;

  private BridgeTransport(Vertx vertx, NetClient client, NetSocket socket, ClientOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.client = client;
    this.socket = socket;
    this.address = options.address();
    this.timeoutMs = options.requestTimeoutMs();
    RecordParser parser = RecordParser.newFixed(4);
    int[] expected = {-1};
    parser.handler(buf -> {
      if (expected[0] < 0) {
        expected[0] = buf.getInt(0);
        parser.fixedSizeMode(expected[0]);
      } else {
        expected[0] = -1;
        parser.fixedSizeMode(4);
        onFrame(JsonWire.decodeObject(buf));
      }
    });
    socket.handler(parser);
    socket.exceptionHandler(t -> {
      // e.g. the node refused this client's certificate after the handshake (TLS 1.3): the reason
      // given to the requests that fail when the connection closes, unless the bridge gave one
      Throwable cause = t;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      if (lastError == null) {
        lastError = cause.toString();
      }
      LOG.debug("Baton bridge connection failed", t);
    });
    socket.closeHandler(v -> {
      boolean unexpected = !closed;
      closed = true;
      if (unexpected && closeHandler != null) {
        closeHandler.handle(null);
      }
      failAll(lastError == null ? "connection to the Baton bridge closed"
          : "connection to the Baton bridge closed: " + lastError);
    });
  }

  /** Connects to a bridge; call from a Vert.x context (the client's). */
  public static Future<Transport> connect(Vertx vertx, String host, int port, ClientOptions options) {
    return connect(vertx, host, port, options, 10_000);
  }

  /** As {@link #connect(Vertx, String, int, ClientOptions)} giving up on the TCP connect after {@code connectTimeoutMs}. */
  public static Future<Transport> connect(Vertx vertx, String host, int port, ClientOptions options,
                                          int connectTimeoutMs) {
    NetClient client = vertx.createNetClient(tls(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout(connectTimeoutMs), options.tls()));
    return client.connect(port, host).map(s -> (Transport) new BridgeTransport(vertx, client, s, options))
        .recover(t -> {
          client.close();
          return Future.failedFuture(new BatonException(ErrorCode.SYSTEM_ERROR,
              "cannot reach Baton bridge at " + host + ":" + port + ": " + t.getMessage()));
        });
  }

  /** {@code options} with TLS as {@code tls} says (unchanged when it is null). */
  private static NetClientOptions tls(NetClientOptions options, ClientTls tls) {
    if (tls == null) {
      return options;
    }
    options.setSsl(true).setHostnameVerificationAlgorithm(tls.verifyHostname() ? "HTTPS" : "");
    if (tls.trust() != null) {
      options.setTrustOptions(tls.trust().copy());
    }
    if (tls.keyCert() != null) {
      options.setKeyCertOptions(tls.keyCert().copy());
    }
    return options;
  }

  @Override
  public Future<JsonObject> request(JsonObject body) {
    return request(body, timeoutMs);
  }

  @Override
  public Future<JsonObject> request(JsonObject body, long timeoutMs) {
    if (Vertx.currentContext() != context) {
      Promise<JsonObject> p = Promise.promise();
      context.runOnContext(v -> request(body, timeoutMs).onComplete(p));
      return p.future();
    }
    if (closed) {
      return Future.failedFuture(new BatonException(ErrorCode.SYSTEM_ERROR, "bridge connection closed"));
    }
    String reply = replyPrefix + (++counter);
    Promise<JsonObject> p = Promise.promise();
    pending.put(reply, p);
    timers.put(reply, vertx.setTimer(timeoutMs, t -> {
      Promise<JsonObject> timedOut = pending.remove(reply);
      timers.remove(reply);
      if (timedOut != null) {
        timedOut.fail(new BatonException(ErrorCode.OPERATION_TIMEOUT, "no reply within " + timeoutMs + " ms"));
      }
    }));
    write(new JsonObject().put("type", "send").put("address", address).put("replyAddress", reply).put("body", body));
    return p.future();
  }

  @Override
  public Future<Void> subscribe(String target, String secret, Handler<JsonObject> handler) {
    if (Vertx.currentContext() != context) {
      Promise<Void> p = Promise.promise();
      context.runOnContext(v -> subscribe(target, secret, handler).onComplete(p));
      return p.future();
    }
    subscriptions.put(target, handler);
    JsonObject frame = new JsonObject().put("type", "register").put("address", target);
    if (secret != null) {
      frame.put("headers", new JsonObject().put("secret", secret));
    }
    write(frame);
    return Future.succeededFuture();
  }

  private void write(JsonObject frame) {
    Buffer json = JsonWire.encode(frame);
    Buffer out = Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json);
    socket.write(out);
  }

  private void onFrame(JsonObject frame) {
    String type = frame.getString("type");
    String to = frame.getString("address");
    if ("message".equals(type)) {
      Promise<JsonObject> p = to == null ? null : pending.remove(to);
      if (p != null) {
        cancelTimer(to);
        p.complete(frame.getJsonObject("body"));
      } else if (to != null && subscriptions.containsKey(to)) {
        subscriptions.get(to).handle(frame.getJsonObject("body"));
      }
    } else if ("err".equals(type)) {
      Promise<JsonObject> p = to == null ? null : pending.remove(to);
      BatonException error;
      Integer code = frame.getInteger("failureCode");
      String type2 = frame.getString("failureType");
      if (code != null && "RECIPIENT_FAILURE".equals(type2)) {
        error = BatonException.fromReply(code, frame.getString("message"));
      } else if ("TIMEOUT".equals(type2)) {
        error = new BatonException(ErrorCode.OPERATION_TIMEOUT, frame.getString("message"));
      } else {
        error = new BatonException(ErrorCode.SYSTEM_ERROR, "bridge error: " + frame.getString("message"));
      }
      if (p != null) {
        cancelTimer(to);
        p.fail(error);
      } else if (to == null) {
        // about the connection or a frame that named no reply address (requests this client sends all
        // do): nothing waits for it; if the bridge closes the connection, this is the reason
        lastError = frame.getString("message");
        LOG.warn("the Baton bridge reported: {}", lastError);
      }
    }
  }

  private void cancelTimer(String reply) {
    Long id = timers.remove(reply);
    if (id != null) {
      vertx.cancelTimer(id);
    }
  }

  private void failAll(String why) {
    closed = true;
    for (Map.Entry<String, Promise<JsonObject>> e : Map.copyOf(pending).entrySet()) {
      cancelTimer(e.getKey());
      e.getValue().tryFail(new BatonException(ErrorCode.SYSTEM_ERROR, why));
    }
    pending.clear();
  }

  @Override
  public Transport closeHandler(Handler<Void> handler) {
    this.closeHandler = handler;
    return this;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return socket.close().eventually(() -> client.close());
  }
}
