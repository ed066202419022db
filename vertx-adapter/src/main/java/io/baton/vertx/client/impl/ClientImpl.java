package io.baton.vertx.client.impl;

import io.baton.core.acl.Acl;
import io.baton.core.acl.NodeAcl;
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
import io.baton.vertx.client.ConnectionState;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.MultiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CoordinationClient} over any {@link Transport}. With a {@link Connector} (several node
 * addresses) it survives the loss of its connection: it reconnects to the next node, resumes the
 * same session with {@code minZxid} = the highest zxid it has seen, and registers its watches,
 * streams and recipe subscriptions again (ZooKeeper's setWatches). The failover state machine runs
 * on the client's context.
 */
public final class ClientImpl implements CoordinationClient {
  private static final Logger LOG = LoggerFactory.getLogger(ClientImpl.class);
  /** Least time a heartbeat or a resume attempt is given, however short the session timeout. */
  private static final long MIN_WAIT_MS = 300;

  /** Opens connections to the nodes of a cluster, one address after the other. */
  public interface Connector {
    /** Connects to the next address. */
    Future<Transport> connect();

    /** Number of addresses (a first connection tries each once). */
    int addresses();
  }

  private final Vertx vertx;
  private final Context context;
  private final Connector connector;
  private final String sessionAddress;
  private final long sessionId;
  private final String secret;
  private final int timeoutMs;
  private final long requestTimeoutMs;
  private volatile Transport transport;
  private final AtomicLong lastZxid = new AtomicLong();
  private final Set<Promise<JsonObject>> inflight = ConcurrentHashMap.newKeySet();
  private final Map<String, StreamState> streams = new ConcurrentHashMap<>();
  private final Map<String, List<Handler<JsonObject>>> recipeHandlers = new ConcurrentHashMap<>();
  private final Set<List<String>> recipeSubscriptions = ConcurrentHashMap.newKeySet();
  // one-shot watches: path -> zxid of the reply that set them
  private final Map<String, Long> dataWatches = new ConcurrentHashMap<>();
  private final Map<String, Long> existWatches = new ConcurrentHashMap<>();
  private final Map<String, Long> childWatches = new ConcurrentHashMap<>();
  private final Set<String> persistentWatches = ConcurrentHashMap.newKeySet();
  private final Set<String> recursiveWatches = ConcurrentHashMap.newKeySet();
  private volatile Handler<WatchEvent> watchHandler = e -> { };
  private volatile Handler<String> lostHandler = s -> { };
  private volatile Handler<ConnectionState> stateHandler = s -> { };
  private volatile boolean lost;
  private volatile long lastHeartbeat = System.nanoTime();
  private final long heartbeatTimer;
  private final AtomicLong streamCounter = new AtomicLong();
  private final List<JsonObject> authentications = new java.util.concurrent.CopyOnWriteArrayList<>();

  private ClientImpl(Vertx vertx, Transport transport, Connector connector, ClientOptions options, long sessionId,
                     String secret, int timeoutMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.transport = transport;
    this.connector = connector;
    this.sessionAddress = Protocol.sessionAddress(options.address(), sessionId);
    this.sessionId = sessionId;
    this.secret = secret;
    this.timeoutMs = timeoutMs;
    this.requestTimeoutMs = options.requestTimeoutMs();
    if (connector != null) {
      transport.closeHandler(v -> connectionLost(transport, "connection closed"));
    }
    this.heartbeatTimer = vertx.setPeriodic(Math.max(100, timeoutMs / 3), t -> heartbeat());
  }

  /** Opens a session over a transport and subscribes to its notifications; no failover. */
  public static Future<CoordinationClient> open(Vertx vertx, Transport transport, ClientOptions options) {
    return open(vertx, transport, null, options);
  }

  /**
   * Opens a session through the first node {@code connector} reaches (each address tried once) and
   * fails over to the others when the connection is lost.
   */
  public static Future<CoordinationClient> openFailover(Vertx vertx, Connector connector, ClientOptions options) {
    Context ctx = vertx.getOrCreateContext();
    Promise<CoordinationClient> p = Promise.promise();
    ctx.runOnContext(v -> firstSession(vertx, connector, options, connector.addresses(), null).onComplete(p));
    return p.future();
  }

  private static Future<CoordinationClient> firstSession(Vertx vertx, Connector connector, ClientOptions options,
                                                         int left, Throwable last) {
    if (left == 0) {
      return Future.failedFuture(last);
    }
    return connector.connect().compose(t -> open(vertx, t, connector, options))
        .recover(e -> firstSession(vertx, connector, options, left - 1, e));
  }

  private static Future<CoordinationClient> open(Vertx vertx, Transport transport, Connector connector,
                                                 ClientOptions options) {
    JsonObject req = new JsonObject().put("v", Protocol.VERSION).put("op", "openSession")
        .put("timeoutMs", options.sessionTimeoutMs());
    return transport.request(req).recover(t -> transport.close().transform(x -> Future.failedFuture(t)))
        .compose(r -> {
          long id = Protocol.parseHex(r.getString("session"));
          ClientImpl c = new ClientImpl(vertx, transport, connector, options, id, r.getString("secret"),
              r.getInteger("timeoutMs"));
          c.seen(r);
          return transport.subscribe(c.sessionAddress, c.secret, c::onNotification)
              .compose(v -> c.request(new JsonObject().put("op", "heartbeat")))
              .map(v -> (CoordinationClient) c)
              .recover(t -> c.close().transform(ignored -> Future.failedFuture(t)));
        });
  }

  // ---------------------------------------------------------------- session and connection

  /**
   * How long a heartbeat sent now may wait, with several nodes to fail over to: the node is given up
   * once nothing was heard from it for 2/3 of the session timeout (ZooKeeper's client read timeout),
   * so the last third is left to reach another node before the session can expire; heartbeats go out
   * every third, so a paused or dead node is noticed at 2/3 at the latest.
   */
  private long failoverHeartbeatTimeoutMs() {
    long heardAgoMs = (System.nanoTime() - lastHeartbeat) / 1_000_000;
    return Math.max(MIN_WAIT_MS, timeoutMs * 2L / 3 - heardAgoMs);
  }

  /** How long a node being tried may take to take the session over: a third of the timeout. */
  private long resumeTimeoutMs() {
    return Math.max(MIN_WAIT_MS, timeoutMs / 3L);
  }

  private JsonObject heartbeatRequest() {
    return new JsonObject().put("v", Protocol.VERSION).put("op", "heartbeat").put("session", Protocol.hex(sessionId))
        .put("secret", secret);
  }

  private void heartbeat() {
    Transport t = transport;
    if (lost || t == null) {
      return;
    }
    send(heartbeatRequest(), connector == null ? requestTimeoutMs : failoverHeartbeatTimeoutMs()).onComplete(r -> {
      if (r.succeeded()) {
        lastHeartbeat = System.nanoTime();
      } else if (r.cause() instanceof BatonException be && be.code() == ErrorCode.SESSION_EXPIRED) {
        sessionLost("expired");
      } else if (connector != null) {
        onContext(() -> connectionLost(t, "heartbeat failed: " + r.cause().getMessage()));
      } else if (System.nanoTime() - lastHeartbeat > timeoutMs * 1_000_000L) {
        LOG.warn("session {} unreachable for longer than its timeout: {}", Protocol.hex(sessionId), r.cause());
        sessionLost("unreachable");
      } else {
        LOG.debug("heartbeat of session {} failed: {}", Protocol.hex(sessionId), r.cause().toString());
      }
    });
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }

  /** The connection {@code dead} is gone: fail what waits on it and start reconnecting. On the context. */
  private void connectionLost(Transport dead, String why) {
    if (dead != transport || lost) {
      return;
    }
    transport = null;
    LOG.info("session {}: {}; reconnecting", Protocol.hex(sessionId), why);
    BatonException loss = new BatonException(ErrorCode.CONNECTION_LOSS, why + " (the outcome of a write in flight"
        + " is unknown)");
    for (Promise<JsonObject> p : List.copyOf(inflight)) {
      p.tryFail(loss);
    }
    inflight.clear();
    dead.close();
    stateHandler.handle(ConnectionState.DISCONNECTED);
    reconnect(0);
  }

  private void reconnect(int attempt) {
    if (lost) {
      return;
    }
    if (System.nanoTime() - lastHeartbeat >= timeoutMs * 1_000_000L) {
      LOG.warn("session {}: no node reachable for a whole session timeout", Protocol.hex(sessionId));
      sessionLost("unreachable");
      return;
    }
    connector.connect().compose(t -> resume(t).onFailure(e -> t.close())).onComplete(r -> {
      if (r.succeeded() || lost) {
        return;
      }
      if (r.cause() instanceof BatonException be && be.code() == ErrorCode.SESSION_EXPIRED) {
        sessionLost("expired");
        return;
      }
      LOG.debug("session {}: reconnect attempt {} failed: {}", Protocol.hex(sessionId), attempt, r.cause().toString());
      vertx.setTimer(Math.min(1_000, 50L * (attempt + 1)), x -> reconnect(attempt + 1));
    });
  }

  /** Takes the session over to {@code t} if the node knows it and is at least at {@link #lastZxid}. */
  private Future<Void> resume(Transport t) {
    t.closeHandler(v -> connectionLost(t, "connection closed"));
    return t.subscribe(sessionAddress, secret, this::onNotification)
        .compose(v -> t.request(heartbeatRequest().put("minZxid", lastZxid.get()), resumeTimeoutMs()))
        .compose(r -> reauthenticate(t).map(r))
        .compose(r -> {
          if (lost) {
            return Future.failedFuture(new BatonException(ErrorCode.SESSION_EXPIRED, "client closed"));
          }
          seen(r);
          lastHeartbeat = System.nanoTime();
          transport = t;
          LOG.info("session {} resumed", Protocol.hex(sessionId));
          reRegister().onComplete(x -> {
            if (transport == t && !lost) {
              stateHandler.handle(ConnectionState.RECONNECTED);
            }
          });
          return Future.succeededFuture();
        });
  }

  /** Authenticates the session again on a node it moves to (identities are per node, like ZooKeeper's). */
  private Future<Void> reauthenticate(Transport t) {
    Future<?> done = Future.succeededFuture();
    for (JsonObject auth : authentications) {
      done = done.compose(x -> t.request(sessionRequest(auth), resumeTimeoutMs()));
    }
    return done.mapEmpty();
  }

  private void sessionLost(String state) {
    if (!lost) {
      lost = true;
      vertx.cancelTimer(heartbeatTimer);
      lostHandler.handle(state);
      stateHandler.handle(ConnectionState.EXPIRED);
    }
  }

  private void seen(JsonObject reply) {
    if (reply != null && reply.getValue("zxid") instanceof Number z) {
      lastZxid.accumulateAndGet(z.longValue(), Math::max);
    }
  }

  // ---------------------------------------------------------------- re-registration after a reconnect

  private Future<?> reRegister() {
    List<Future<?>> all = new ArrayList<>();
    Set<String> deleted = new HashSet<>();
    for (List<String> s : recipeSubscriptions) {
      all.add(send(sessionRequest(new JsonObject().put("op", "recipe.subscribe").put("recipe", s.get(0))
          .put("name", s.get(1))), requestTimeoutMs));
    }
    for (String p : persistentWatches) {
      all.add(send(sessionRequest(addWatchRequest(p, AddWatchMode.PERSISTENT)), requestTimeoutMs));
    }
    for (String p : recursiveWatches) {
      all.add(send(sessionRequest(addWatchRequest(p, AddWatchMode.PERSISTENT_RECURSIVE)), requestTimeoutMs));
    }
    dataWatches.forEach((p, z) -> all.add(restoreDataWatch(p, z, deleted)));
    existWatches.forEach((p, z) -> all.add(restoreExistWatch(p)));
    childWatches.forEach((p, z) -> all.add(restoreChildWatch(p, z, deleted)));
    streams.values().forEach(s -> all.add(resumeStream(s)));
    return Future.join(all).onFailure(t -> LOG.debug("re-registering after a reconnect: {}", t.toString()));
  }

  private Future<JsonObject> watchedRead(String op, String path) {
    return send(sessionRequest(new JsonObject().put("op", op).put("path", path).put("watch", true)), requestTimeoutMs);
  }

  /** Fires the event the client missed and drops the watch the read just set (it is consumed). */
  private Future<?> missed(EventType type, String path, long zxid, String watchType) {
    watchHandler.handle(new WatchEvent(type, path, zxid));
    return send(sessionRequest(new JsonObject().put("op", "removeWatches").put("path", path)
        .put("type", watchType)), requestTimeoutMs);
  }

  private void deletedWhileAway(String path, Set<String> deleted) {
    if (deleted.add(path)) {
      watchHandler.handle(new WatchEvent(EventType.NodeDeleted, path, lastZxid.get()));
    }
  }

  private Future<?> restoreDataWatch(String path, long setAt, Set<String> deleted) {
    return watchedRead("getData", path).transform(r -> {
      if (r.succeeded()) {
        long mzxid = r.result().getJsonObject("stat").getLong("mzxid");
        if (mzxid > setAt && dataWatches.remove(path) != null) {
          return missed(EventType.NodeDataChanged, path, mzxid, "data");
        }
      } else if (code(r.cause()) == ErrorCode.NO_NODE && dataWatches.remove(path) != null) {
        deletedWhileAway(path, deleted);
      }
      return Future.succeededFuture();
    });
  }

  private Future<?> restoreExistWatch(String path) {
    return watchedRead("exists", path).compose(r -> {
      JsonObject stat = r.getJsonObject("stat");
      if (stat != null && existWatches.remove(path) != null) {
        return missed(EventType.NodeCreated, path, stat.getLong("czxid"), "data");
      }
      return Future.succeededFuture();
    });
  }

  private Future<?> restoreChildWatch(String path, long setAt, Set<String> deleted) {
    return watchedRead("getChildren", path).transform(r -> {
      if (r.succeeded()) {
        long pzxid = r.result().getJsonObject("stat").getLong("pzxid");
        if (pzxid > setAt && childWatches.remove(path) != null) {
          return missed(EventType.NodeChildrenChanged, path, pzxid, "children");
        }
      } else if (code(r.cause()) == ErrorCode.NO_NODE && childWatches.remove(path) != null) {
        deletedWhileAway(path, deleted);
      }
      return Future.succeededFuture();
    });
  }

  /** Reopens a stream under its id right after the last change it delivered. */
  private Future<?> resumeStream(StreamState s) {
    JsonObject close = sessionRequest(new JsonObject().put("op", "closeStream").put("stream", s.id));
    return send(close, requestTimeoutMs).transform(x -> {
      JsonObject open = sessionRequest(new JsonObject().put("op", "openStream").put("stream", s.id)
          .put("fromZxid", s.resumeFrom()));
      return send(open, requestTimeoutMs);
    }).onFailure(t -> {
      ErrorCode c = code(t);
      if (c != ErrorCode.CONNECTION_LOSS && c != ErrorCode.OPERATION_TIMEOUT && streams.remove(s.id) != null
          && s.failureHandler != null) {
        s.failureHandler.handle(t);
      }
    });
  }

  private static ErrorCode code(Throwable t) {
    return t instanceof BatonException be ? be.code() : ErrorCode.SYSTEM_ERROR;
  }

  // ---------------------------------------------------------------- notifications

  private void onNotification(JsonObject n) {
    seen(n);
    switch (n.getString("type", "")) {
      case "watch" -> {
        WatchEvent e = new WatchEvent(EventType.valueOf(n.getString("event")), n.getString("path"), n.getLong("zxid"));
        consumed(e);
        watchHandler.handle(e);
      }
      case "change" -> {
        StreamState s = streams.get(n.getString("stream"));
        if (s != null) {
          s.deliver(n);
        }
      }
      case "session" -> sessionLost(n.getString("state"));
      case "streamFailed" -> {
        StreamState s = streams.remove(n.getString("stream"));
        if (s != null && s.failureHandler != null) {
          s.failureHandler.handle(BatonException.fromReply(n.getInteger("code", ErrorCode.SYSTEM_ERROR.value()),
              n.getString("message")));
        }
      }
      case "recipe" -> recipeHandlers.getOrDefault(n.getString("recipe") + ":" + n.getString("name"), List.of())
          .forEach(h -> h.handle(n));
      default -> LOG.debug("ignored notification {}", n);
    }
  }

  /** Forgets the one-shot watches a delivered event used up (ZooKeeper's trigger rules). */
  private void consumed(WatchEvent e) {
    switch (e.type()) {
      case NodeCreated, NodeDataChanged -> {
        dataWatches.remove(e.path());
        existWatches.remove(e.path());
      }
      case NodeDeleted -> {
        dataWatches.remove(e.path());
        existWatches.remove(e.path());
        childWatches.remove(e.path());
      }
      case NodeChildrenChanged -> childWatches.remove(e.path());
      default -> { }
    }
  }

  // ---------------------------------------------------------------- requests

  private JsonObject sessionRequest(JsonObject request) {
    return request.copy().put("v", Protocol.VERSION).put("session", Protocol.hex(sessionId)).put("secret", secret);
  }

  /** Sends on the current connection; fails with ConnectionLoss while there is none or if it is lost. */
  private Future<JsonObject> send(JsonObject body, long timeout) {
    Transport t = transport;
    if (t == null) {
      return Future.failedFuture(lost
          ? new BatonException(ErrorCode.SESSION_EXPIRED, "session " + Protocol.hex(sessionId) + " is lost")
          : new BatonException(ErrorCode.CONNECTION_LOSS, "not connected to a Baton node (reconnecting)"));
    }
    if (connector == null) {
      return t.request(body, timeout).onSuccess(this::seen);
    }
    Promise<JsonObject> p = Promise.promise();
    inflight.add(p);
    t.request(body, timeout).onComplete(r -> {
      inflight.remove(p);
      if (r.succeeded()) {
        seen(r.result());
        p.tryComplete(r.result());
      } else if (transport != t && code(r.cause()) == ErrorCode.SYSTEM_ERROR) {
        p.tryFail(new BatonException(ErrorCode.CONNECTION_LOSS, "connection lost: " + r.cause().getMessage()));
      } else {
        p.tryFail(r.cause());
      }
    });
    return p.future();
  }

  @Override
  public Future<JsonObject> request(JsonObject request) {
    return request(request, requestTimeoutMs);
  }

  @Override
  public Future<Void> addAuth(String scheme, String credentials) {
    JsonObject auth = new JsonObject().put("op", "auth").put("scheme", scheme).put("credentials", credentials);
    return send(sessionRequest(auth), requestTimeoutMs).onSuccess(r -> authentications.add(auth)).mapEmpty();
  }

  @Override
  public Future<JsonObject> request(JsonObject request, long timeoutMs) {
    JsonObject r = sessionRequest(request);
    return send(r, timeoutMs).onSuccess(reply -> track(r, reply));
  }

  /** Remembers what must be registered again after a reconnect. */
  private void track(JsonObject req, JsonObject reply) {
    if (!(req.getValue("op") instanceof String op)) {
      return;
    }
    String path = req.getValue("path") instanceof String p ? p : "/";
    long at = reply.getValue("zxid") instanceof Number z ? z.longValue() : lastZxid.get();
    boolean watch = Boolean.TRUE.equals(req.getValue("watch"));
    switch (op) {
      case "getData" -> {
        if (watch) {
          dataWatches.put(path, at);
        }
      }
      case "exists" -> {
        if (watch) {
          (reply.getValue("stat") == null ? existWatches : dataWatches).put(path, at);
        }
      }
      case "getChildren" -> {
        if (watch) {
          childWatches.put(path, at);
        }
      }
      case "addWatch" -> (AddWatchMode.parse(req.getString("mode", "persistent_recursive")) == AddWatchMode.PERSISTENT
          ? persistentWatches : recursiveWatches).add(path);
      case "removeWatches" -> {
        WatcherType type = WatcherType.parse(req.getString("type", "any"));
        if (type == WatcherType.DATA || type == WatcherType.ANY) {
          dataWatches.remove(path);
          existWatches.remove(path);
        }
        if (type == WatcherType.CHILDREN || type == WatcherType.ANY) {
          childWatches.remove(path);
        }
        if (type == WatcherType.PERSISTENT || type == WatcherType.ANY) {
          persistentWatches.remove(path);
        }
        if (type == WatcherType.PERSISTENT_RECURSIVE || type == WatcherType.ANY) {
          recursiveWatches.remove(path);
        }
      }
      case "recipe.subscribe" -> recipeSubscriptions.add(List.of(req.getString("recipe"), req.getString("name")));
      case "recipe.unsubscribe" -> recipeSubscriptions.remove(List.of(req.getString("recipe"),
          req.getString("name")));
      default -> { }
    }
  }

  @Override
  public CoordinationClient recipeEventHandler(String recipe, String name, Handler<JsonObject> handler) {
    recipeHandlers.computeIfAbsent(recipe + ":" + name, k -> new CopyOnWriteArrayList<>()).add(handler);
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
  public Future<String> create(String path, byte[] data, List<Acl> acl, CreateMode mode) {
    return request(Protocol.op(new Op.Create(path, data, mode, 0, false, acl))).map(r -> r.getString("path"));
  }

  @Override
  public Future<NodeAcl> getACL(String path) {
    return request(new JsonObject().put("op", "getACL").put("path", path)).map(r -> new NodeAcl(
        Protocol.acl(r.getJsonArray("acl")), Protocol.stat(r.getJsonObject("stat"))));
  }

  @Override
  public Future<Stat> setACL(String path, List<Acl> acl, int aversion) {
    return request(new JsonObject().put("op", "setACL").put("path", path).put("acl", Protocol.acl(acl))
        .put("version", aversion)).map(r -> Protocol.stat(r.getJsonObject("stat")));
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

  private static JsonObject addWatchRequest(String path, AddWatchMode mode) {
    return new JsonObject().put("op", "addWatch").put("path", path).put("mode", mode.name().toLowerCase());
  }

  @Override
  public Future<Void> addWatch(String path, AddWatchMode mode) {
    return request(addWatchRequest(path, mode)).mapEmpty();
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
  public CoordinationClient connectionStateHandler(Handler<ConnectionState> handler) {
    this.stateHandler = handler;
    return this;
  }

  // ---------------------------------------------------------------- change streams

  @Override
  public Future<ChangeStream> openChangeStream(long fromZxid, Handler<ChangeEvent> handler) {
    return openStream(new StreamState("c" + streamCounter.incrementAndGet(), fromZxid, handler, null));
  }

  @Override
  public Future<ChangeStream> openEntryStream(long fromZxid, Handler<List<ChangeEvent>> handler) {
    return openStream(new StreamState("c" + streamCounter.incrementAndGet(), fromZxid, null,
        new EntryCollector(handler)));
  }

  /** Registers the stream's handler, then opens it on the node. */
  private Future<ChangeStream> openStream(StreamState s) {
    streams.put(s.id, s);
    return request(new JsonObject().put("op", "openStream").put("fromZxid", s.lastZxid).put("stream", s.id))
        .<ChangeStream>map(r -> new StreamHandle(s.id))
        .onFailure(t -> streams.remove(s.id));
  }

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

  /**
   * A stream's handler and position: the last zxid it delivered and how many of that entry's changes,
   * so a stream reopened after a reconnect neither repeats nor skips a change.
   */
  private static final class StreamState {
    final String id;
    final Handler<ChangeEvent> changes;
    final EntryCollector entries;
    volatile Handler<Throwable> failureHandler;
    long lastZxid;
    int delivered;
    boolean entryDone = true;
    long incomingZxid = Long.MIN_VALUE;
    int incomingIndex;

    StreamState(String id, long fromZxid, Handler<ChangeEvent> changes, EntryCollector entries) {
      this.id = id;
      this.lastZxid = fromZxid;
      this.changes = changes;
      this.entries = entries;
    }

    synchronized void deliver(JsonObject n) {
      long z = n.getLong("zxid");
      boolean end = n.getBoolean("endOfEntry", true);
      if (z != incomingZxid) {
        incomingZxid = z;
        incomingIndex = 0;
      }
      int index = incomingIndex++;
      if (z < lastZxid || (z == lastZxid && (entryDone || index < delivered))) {
        return;
      }
      if (z > lastZxid) {
        lastZxid = z;
        delivered = 0;
      }
      delivered++;
      entryDone = end;
      ChangeEvent e = Protocol.change(n);
      if (changes != null) {
        changes.handle(e);
      } else {
        entries.add(e, end);
      }
    }

    /** The {@code fromZxid} to reopen with: after the last whole entry delivered. */
    synchronized long resumeFrom() {
      incomingZxid = Long.MIN_VALUE;
      return entryDone ? lastZxid : lastZxid - 1;
    }
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
      streams.remove(id);
      return request(new JsonObject().put("op", "closeStream").put("stream", id)).mapEmpty();
    }

    @Override
    public ChangeStream exceptionHandler(Handler<Throwable> h) {
      StreamState s = streams.get(id);
      if (s != null) {
        s.failureHandler = h;
      }
      return this;
    }
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(heartbeatTimer);
    boolean wasLost = lost;
    lost = true;
    Transport t = transport;
    if (t == null) {
      return Future.succeededFuture();
    }
    Future<Void> closed = wasLost ? Future.succeededFuture()
        : send(sessionRequest(new JsonObject().put("op", "closeSession")), requestTimeoutMs).mapEmpty();
    return closed.recover(x -> Future.succeededFuture()).compose(v -> t.close());
  }
}
