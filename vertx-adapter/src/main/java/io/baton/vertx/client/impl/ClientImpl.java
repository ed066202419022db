package io.baton.vertx.client.impl;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.Children;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatcherType;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.ChangeStream;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.MultiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link CoordinationClient} over any {@link Transport}. */
public final class ClientImpl implements CoordinationClient {
  private static final Logger LOG = LoggerFactory.getLogger(ClientImpl.class);

  private final Vertx vertx;
  private final Transport transport;
  private final long sessionId;
  private final int timeoutMs;
  private final Map<String, Handler<ChangeEvent>> streamHandlers = new ConcurrentHashMap<>();
  private final Map<String, List<Handler<JsonObject>>> recipeHandlers = new ConcurrentHashMap<>();
  private final Map<String, EntryCollector> entryHandlers = new ConcurrentHashMap<>();
  private final Map<String, Handler<Throwable>> streamFailureHandlers = new ConcurrentHashMap<>();

  /** Groups the changes of one entry (zxid) before handing them over. */
  private static final class EntryCollector {
    private final Handler<List<ChangeEvent>> handler;
    private List<ChangeEvent> current = new ArrayList<>();

    EntryCollector(Handler<List<ChangeEvent>> handler) {
      this.handler = handler;
    }

    void add(ChangeEvent e, boolean end) {
      current.add(e);
      if (end) {
        List<ChangeEvent> done = current;
        current = new ArrayList<>();
        handler.handle(done);
      }
    }
  }
  private volatile Handler<WatchEvent> watchHandler = e -> { };
  private volatile Handler<String> lostHandler = s -> { };
  private volatile boolean lost;
  private volatile long lastHeartbeat = System.nanoTime();
  private final long heartbeatTimer;
  private final java.util.concurrent.atomic.AtomicLong streamCounter = new java.util.concurrent.atomic.AtomicLong();

  private ClientImpl(Vertx vertx, Transport transport, long sessionId, int timeoutMs) {
    this.vertx = vertx;
    this.transport = transport;
    this.sessionId = sessionId;
    this.timeoutMs = timeoutMs;
    this.heartbeatTimer = vertx.setPeriodic(Math.max(100, timeoutMs / 3), t -> heartbeat());
  }

  /** Opens a session over a transport and subscribes to its notifications. */
  public static Future<CoordinationClient> open(Vertx vertx, Transport transport, ClientOptions options) {
    JsonObject req = new JsonObject().put("v", Protocol.VERSION).put("op", "openSession")
        .put("timeoutMs", options.sessionTimeoutMs());
    return transport.request(req).compose(r -> {
      long id = Protocol.parseHex(r.getString("session"));
      ClientImpl c = new ClientImpl(vertx, transport, id, r.getInteger("timeoutMs"));
      return transport.subscribe(Protocol.sessionAddress(options.address(), id), c::onNotification)
          .compose(v -> c.request(new JsonObject().put("op", "heartbeat")))
          .map(v -> (CoordinationClient) c)
          .recover(t -> c.close().transform(ignored -> Future.failedFuture(t)));
    });
  }

  private void heartbeat() {
    if (lost) {
      return;
    }
    request(new JsonObject().put("op", "heartbeat")).onComplete(r -> {
      if (r.succeeded()) {
        lastHeartbeat = System.nanoTime();
      } else if (r.cause() instanceof BatonException be && be.code() == ErrorCode.SESSION_EXPIRED) {
        sessionLost("expired");
      } else if (System.nanoTime() - lastHeartbeat > timeoutMs * 1_000_000L) {
        LOG.warn("session {} unreachable for longer than its timeout: {}", Protocol.hex(sessionId), r.cause());
        sessionLost("unreachable");
      } else {
        LOG.debug("heartbeat of session {} failed: {}", Protocol.hex(sessionId), r.cause().toString());
      }
    });
  }

  private void sessionLost(String state) {
    if (!lost) {
      lost = true;
      vertx.cancelTimer(heartbeatTimer);
      lostHandler.handle(state);
    }
  }

  private void onNotification(JsonObject n) {
    switch (n.getString("type", "")) {
      case "watch" -> watchHandler.handle(new WatchEvent(EventType.valueOf(n.getString("event")),
          n.getString("path"), n.getLong("zxid")));
      case "change" -> {
        String stream = n.getString("stream");
        Handler<ChangeEvent> h = streamHandlers.get(stream);
        if (h != null) {
          h.handle(Protocol.change(n));
        }
        EntryCollector c = entryHandlers.get(stream);
        if (c != null) {
          c.add(Protocol.change(n), n.getBoolean("endOfEntry", true));
        }
      }
      case "session" -> sessionLost(n.getString("state"));
      case "streamFailed" -> {
        String stream = n.getString("stream");
        Handler<Throwable> h = streamFailureHandlers.get(stream);
        forgetStream(stream);
        if (h != null) {
          h.handle(BatonException.fromReply(n.getInteger("code", ErrorCode.SYSTEM_ERROR.value()),
              n.getString("message")));
        }
      }
      case "recipe" -> recipeHandlers.getOrDefault(n.getString("recipe") + ":" + n.getString("name"), List.of())
          .forEach(h -> h.handle(n));
      default -> LOG.debug("ignored notification {}", n);
    }
  }

  @Override
  public Future<JsonObject> request(JsonObject request) {
    JsonObject r = request.copy().put("v", Protocol.VERSION).put("session", Protocol.hex(sessionId));
    return transport.request(r);
  }

  @Override
  public Future<JsonObject> request(JsonObject request, long timeoutMs) {
    JsonObject r = request.copy().put("v", Protocol.VERSION).put("session", Protocol.hex(sessionId));
    return transport.request(r, timeoutMs);
  }

  @Override
  public CoordinationClient recipeEventHandler(String recipe, String name, Handler<JsonObject> handler) {
    recipeHandlers.computeIfAbsent(recipe + ":" + name, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add(handler);
    return this;
  }

  @Override
  public long sessionId() {
    return sessionId;
  }

  @Override
  public int sessionTimeoutMs() {
    return timeoutMs;
  }

  @Override
  public Future<String> create(String path, byte[] data, CreateMode mode) {
    return create(path, data, mode, 0, false);
  }

  @Override
  public Future<String> create(String path, byte[] data, CreateMode mode, long ttlMs, boolean createParents) {
    return request(Protocol.op(new Op.Create(path, data, mode, ttlMs, createParents)))
        .map(r -> r.getString("path"));
  }

  @Override
  public Future<Void> delete(String path, int version) {
    return request(Protocol.op(new Op.Delete(path, version))).mapEmpty();
  }

  @Override
  public Future<Stat> exists(String path, boolean watch) {
    return request(new JsonObject().put("op", "exists").put("path", path).put("watch", watch))
        .map(r -> Protocol.stat(r.getJsonObject("stat")));
  }

  @Override
  public Future<NodeData> getData(String path, boolean watch) {
    return request(new JsonObject().put("op", "getData").put("path", path).put("watch", watch))
        .map(r -> new NodeData(Protocol.unbase64(r.getString("data")), Protocol.stat(r.getJsonObject("stat"))));
  }

  @Override
  public Future<Stat> setData(String path, byte[] data, int version) {
    return request(Protocol.op(new Op.SetData(path, data, version)))
        .map(r -> Protocol.stat(r.getJsonObject("stat")));
  }

  @Override
  public Future<Children> getChildren(String path, boolean watch) {
    return request(new JsonObject().put("op", "getChildren").put("path", path).put("watch", watch))
        .map(r -> {
          List<String> names = new ArrayList<>();
          r.getJsonArray("children").forEach(o -> names.add((String) o));
          return new Children(names, Protocol.stat(r.getJsonObject("stat")));
        });
  }

  @Override
  public Future<List<String>> getEphemerals(String prefix) {
    return request(new JsonObject().put("op", "getEphemerals").put("prefix", prefix)).map(r -> {
      List<String> paths = new ArrayList<>();
      r.getJsonArray("paths").forEach(o -> paths.add((String) o));
      return paths;
    });
  }

  @Override
  public Future<List<OpResult>> multi(List<Op> ops) {
    JsonArray a = new JsonArray();
    ops.forEach(o -> a.add(Protocol.op(o)));
    return request(new JsonObject().put("op", "multi").put("ops", a))
        .map(r -> Protocol.results(r.getJsonArray("results")))
        .recover(t -> Future.failedFuture(multiFailure(t)));
  }

  private static Throwable multiFailure(Throwable t) {
    if (t instanceof BatonException be) {
      String msg = be.getMessage();
      int brace = msg.indexOf(" {\"failedIndex\"");
      if (brace > 0) {
        JsonObject detail = new JsonObject(msg.substring(brace + 1));
        String text = msg.substring(0, brace);
        String prefix = be.code().displayName() + ": ";
        return new MultiException(be.code(), text.startsWith(prefix) ? text.substring(prefix.length()) : text,
            detail.getInteger("failedIndex"), Protocol.results(detail.getJsonArray("results")));
      }
    }
    return t;
  }

  @Override
  public Future<Void> sync(String path) {
    return request(new JsonObject().put("op", "sync").put("path", path)).mapEmpty();
  }

  @Override
  public Future<Void> addWatch(String path, AddWatchMode mode) {
    return request(new JsonObject().put("op", "addWatch").put("path", path).put("mode", mode.name().toLowerCase()))
        .mapEmpty();
  }

  @Override
  public Future<Void> removeWatches(String path, WatcherType type) {
    return request(new JsonObject().put("op", "removeWatches").put("path", path)
        .put("type", type.name().toLowerCase())).mapEmpty();
  }

  @Override
  public CoordinationClient watchHandler(Handler<WatchEvent> handler) {
    this.watchHandler = handler;
    return this;
  }

  @Override
  public CoordinationClient sessionLostHandler(Handler<String> handler) {
    this.lostHandler = handler;
    return this;
  }

  @Override
  public Future<ChangeStream> openChangeStream(long fromZxid, Handler<ChangeEvent> handler) {
    String id = "c" + streamCounter.incrementAndGet();
    streamHandlers.put(id, handler);
    return openStream(id, fromZxid);
  }

  @Override
  public Future<ChangeStream> openEntryStream(long fromZxid, Handler<List<ChangeEvent>> handler) {
    String id = "c" + streamCounter.incrementAndGet();
    entryHandlers.put(id, new EntryCollector(handler));
    return openStream(id, fromZxid);
  }

  /** Opens a stream whose handler is already registered under {@code id}. */
  private Future<ChangeStream> openStream(String id, long fromZxid) {
    return request(new JsonObject().put("op", "openStream").put("fromZxid", fromZxid).put("stream", id))
        .<ChangeStream>map(r -> new StreamHandle(id))
        .onFailure(t -> forgetStream(id));
  }

  private void forgetStream(String id) {
    streamHandlers.remove(id);
    entryHandlers.remove(id);
    streamFailureHandlers.remove(id);
  }

  /** The client side of an open stream. */
  private final class StreamHandle implements ChangeStream {
    private final String id;

    StreamHandle(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Future<Void> close() {
      forgetStream(id);
      return request(new JsonObject().put("op", "closeStream").put("stream", id)).mapEmpty();
    }

    @Override
    public ChangeStream exceptionHandler(Handler<Throwable> h) {
      streamFailureHandlers.put(id, h);
      return this;
    }
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(heartbeatTimer);
    boolean wasLost = lost;
    lost = true;
    Future<Void> closed = wasLost ? Future.succeededFuture()
        : request(new JsonObject().put("op", "closeSession")).mapEmpty();
    return closed.recover(t -> Future.succeededFuture()).compose(v -> transport.close());
  }
}
