package io.baton.vertx.impl;

import io.baton.core.acl.Perms;
import io.baton.core.auth.Caller;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.replication.RaftReplication;
import io.baton.core.server.Completion;
import io.baton.core.server.Coordinator;
import io.baton.core.server.Reads;
import io.baton.core.server.NodeObserver;
import io.baton.core.server.CoordinatorListener;
import io.baton.core.server.StateDigest;
import io.baton.core.stream.ChangeEvent;
import io.baton.core.stream.ChangeStreams;
import io.baton.core.tree.Children;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Command;
import io.baton.core.txn.MultiFailedException;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatcherType;
import io.baton.schemas.log.LogEntry;
import io.baton.vertx.api.Fields;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.api.SharedJsonCodec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes protocol-v1 requests, calls the coordinator and encodes replies. Runs on the
 * coordinator's context. Every failure becomes a reply failure with a Baton/ZooKeeper error code.
 * Successful replies carry the node's applied {@code zxid}; a request with {@code minZxid} waits
 * (at most {@link #MIN_ZXID_WAIT_MS}) until the node has applied that zxid.
 */
public final class CommandHandler {
  private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);
  /** What a client that has not authenticated may still do when authentication is enforced. */
  private static final Set<String> UNAUTHENTICATED_OPS = Set.of("openSession", "auth", "heartbeat", "closeSession",
      "info", "whoAmI");
  /** How long a request may wait for the node to reach its {@code minZxid} before NotReady. */
  static final long MIN_ZXID_WAIT_MS = 5_000;

  private final Vertx vertx;
  private final Coordinator coordinator;
  private final Reads reads;
  private final ChangeStreams streams;
  private final String address;
  private final RecipeHandler recipes;
  private final Map<Long, Map<String, ChangeStreams.Subscription>> sessionStreams = new HashMap<>();
  private final ParkedRequests waiting;
  private boolean releaseScheduled;
  private long streamCounter;
  private RaftReplication replication;
  private ConsumerPacing pacing = ConsumerPacing.NONE;

  public CommandHandler(Vertx vertx, Coordinator coordinator, ChangeStreams streams, RecipeHandler recipes,
                        String address) {
    this.recipes = recipes;
    this.vertx = vertx;
    this.coordinator = coordinator;
    this.reads = coordinator.reads();
    this.streams = streams;
    this.address = address;
    this.waiting = new ParkedRequests(vertx, MIN_ZXID_WAIT_MS, coordinator.config().limits().maxParkedRequests(),
        p -> fail(p.message, new BatonException(ErrorCode.NOT_READY, "this node has applied zxid 0x"
            + Long.toHexString(coordinator.lastApplied()) + ", the request needs minZxid 0x"
            + Long.toHexString(p.minZxid) + ", not reached within " + MIN_ZXID_WAIT_MS + " ms")));
    coordinator.addListener(new CoordinatorListener() {
      @Override
      public void committed(LogEntry entry, List<ChangeEvent> events) {
        // serve released requests after this apply has finished, not inside it
        if (!releaseScheduled && waiting.anyReached(coordinator.lastApplied())) {
          releaseScheduled = true;
          vertx.runOnContext(v -> releaseWaiting());
        }
      }
    });
  }

  /** Reports this node's cluster role in {@code info} (cluster mode). */
  public CommandHandler replication(RaftReplication replication) {
    this.replication = replication;
    return this;
  }

  /** Paces change streams by their consumers' readiness (the client bridge's connections). */
  public CommandHandler pacing(ConsumerPacing pacing) {
    this.pacing = pacing;
    return this;
  }

  /** Handles one request message; timed when the node is observed (its admin face's metrics). */
  public void handle(Message<Object> incoming) {
    NodeObserver observer = coordinator.observer();
    Message<Object> message = observer == NodeObserver.NONE ? incoming : new TimedRequest(incoming, observer);
    JsonObject request;
    long minZxid;
    try {
      request = asJson(message.body());
      minZxid = new Fields(request).optLong("minZxid", 0);
    } catch (BatonException e) {
      fail(message, e);
      return;
    }
    if (minZxid > coordinator.lastApplied()) {
      if (!waiting.park(minZxid, message, request)) {
        if (waiting.firstRefusal()) {
          LOG.warn("{} requests wait for a minZxid (maxParkedRequests); refusing more with Throttled until "
              + "some are served", waiting.max());
        }
        fail(message, new BatonException(ErrorCode.THROTTLED, waiting.max() + " requests already wait for a "
            + "minZxid on this node (maxParkedRequests); retry later or ask another node"));
      }
      return;
    }
    serve(message, request);
  }

  private void releaseWaiting() {
    releaseScheduled = false;
    waiting.release(coordinator.lastApplied(), p -> serve(p.message, p.request));
  }

  private void serve(Message<Object> message, JsonObject request) {
    try {
      dispatch(message, request);
    } catch (BatonException e) {
      fail(message, e);
    } catch (RuntimeException e) {
      LOG.error("request {} failed", request, e);
      fail(message, new BatonException(ErrorCode.SYSTEM_ERROR, String.valueOf(e)));
    }
  }

  /** Closes the change streams of an ended session. */
  public void sessionEnded(long sessionId) {
    Map<String, ChangeStreams.Subscription> subs = sessionStreams.remove(sessionId);
    if (subs != null) {
      subs.values().forEach(ChangeStreams.Subscription::close);
    }
  }

  private static JsonObject asJson(Object body) {
    if (body instanceof JsonObject j) {
      return j;
    }
    if (body instanceof String s) {
      try {
        return new JsonObject(s);
      } catch (DecodeException | ClassCastException e) {
        throw new BatonException(ErrorCode.MARSHALLING_ERROR, "request is not a JSON object: " + e.getMessage());
      }
    }
    if (body instanceof io.vertx.core.buffer.Buffer b) {
      try {
        return new JsonObject(b);
      } catch (DecodeException | ClassCastException e) {
        throw new BatonException(ErrorCode.MARSHALLING_ERROR, "request is not a JSON object: " + e.getMessage());
      }
    }
    throw new BatonException(ErrorCode.MARSHALLING_ERROR, "request must be a JSON object, got "
        + (body == null ? "nothing" : body.getClass().getSimpleName()));
  }

  private void dispatch(Message<Object> m, JsonObject req) {
    Fields f = new Fields(req);
    int version = f.optInt("v", Protocol.VERSION);
    if (version != Protocol.VERSION) {
      throw BatonException.badArguments("unsupported protocol version " + version + "; this node speaks "
          + Protocol.VERSION);
    }
    String op = f.string("op");
    if (m instanceof TimedRequest timed) {
      timed.op(op);
    }
    long session = f.session();
    if (session != 0 && !op.equals("openSession")) {
      coordinator.auth().checkSessionSecret(session, f.secret());
    }
    Set<Identity> connection = m instanceof ConnectionIdentities c ? c.connectionIdentities() : Set.of();
    Caller caller = coordinator.auth().caller(session, connection);
    if (!UNAUTHENTICATED_OPS.contains(op)) {
      coordinator.auth().access().checkAuthenticated(caller, op);
    }
    if (RecipeHandler.handles(op)) {
      if (session != 0 && !coordinator.isSessionOpen(session)) {
        throw new BatonException(ErrorCode.SESSION_EXPIRED, "session " + Protocol.hex(session)
            + " is unknown, closed or expired");
      }
      recipes.handle(m, op, f, session);
      return;
    }
    switch (op) {
      case "openSession" -> coordinator.openSession(f.optInt("timeoutMs", 10_000), reply(m, r -> {
        coordinator.auth().sessionOpened(r.sessionId(), connection);
        return new JsonObject().put("session", Protocol.hex(r.sessionId())).put("timeoutMs", r.timeoutMs())
            .put("secret", HexFormat.of().formatHex(coordinator.auth().sessionSecret(r.sessionId())));
      }));
      case "closeSession" -> coordinator.closeSession(session, reply(m, r -> new JsonObject()));
      case "heartbeat" -> coordinator.heartbeat(session, reply(m, t -> new JsonObject().put("timeoutMs", t)));
      case "auth" -> {
        if (session == 0) {
          throw BatonException.badArguments("auth needs a session: identities belong to the session");
        }
        Identity id = coordinator.auth().authenticate(session, f.string("scheme"), f.string("credentials"));
        m.reply(new JsonObject().put("identity", id.toString()).put("zxid", coordinator.lastApplied()));
      }
      case "create", "delete", "setData", "check" -> {
        Op write = Protocol.op(req);
        coordinator.submit(caller, session, write, reply(m, results -> shapeSingle(write, results)));
      }
      case "multi" -> {
        JsonArray ops = f.array("ops");
        List<Op> parsed = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
          Object o = ops.getValue(i);
          if (!(o instanceof JsonObject j)) {
            throw BatonException.badArguments("ops[" + i + "] must be an object");
          }
          parsed.add(Protocol.op(j));
        }
        coordinator.submit(caller, session, new Command.Multi(parsed),
            reply(m, results -> new JsonObject().put("results", Protocol.results(results))));
      }
      case "exists" -> {
        String path = f.string("path");
        boolean watch = f.optBool("watch", false);
        coordinator.read(session, () -> {
          reads.checkPermission(caller, path, Perms.READ); // an existing node: READ, as ZooKeeper 3.9
          return reads.exists(session, path, watch);
        },
            reply(m, (Stat s) -> new JsonObject().put("stat", s == null ? null : Protocol.stat(s))));
      }
      case "getData" -> {
        String path = f.string("path");
        boolean watch = f.optBool("watch", false);
        coordinator.read(session, () -> {
          reads.checkPermission(caller, path, Perms.READ);
          return reads.getData(session, path, watch);
        },
            reply(m, (NodeData d) -> new JsonObject().put("data", Protocol.base64(d.data()))
                .put("stat", Protocol.stat(d.stat()))));
      }
      case "getChildren" -> {
        String path = f.string("path");
        boolean watch = f.optBool("watch", false);
        coordinator.read(session, () -> {
          reads.checkPermission(caller, path, Perms.READ);
          return reads.getChildren(session, path, watch);
        },
            reply(m, (Children c) -> new JsonObject().put("children", new JsonArray(c.names()))
                .put("stat", Protocol.stat(c.stat()))));
      }
      case "getACL" -> {
        String path = f.string("path");
        coordinator.read(session, () -> {
          reads.checkPermission(caller, path, Perms.READ | Perms.ADMIN);
          return reads.getAcl(path, caller);
        }, reply(m, (io.baton.core.acl.NodeAcl a) -> new JsonObject().put("acl", Protocol.acl(a.acl()))
            .put("stat", Protocol.stat(a.stat()))));
      }
      case "setACL" -> {
        Command.SetAcl set = new Command.SetAcl(f.string("path"), Protocol.acl(f.array("acl")), f.optInt("version", -1));
        coordinator.submit(caller, session, set, reply(m, results -> shapeSingle(set, results)));
      }
      case "getEphemerals" -> {
        String prefix = f.optString("prefix", "/");
        coordinator.read(session, () -> reads.getEphemerals(session, prefix),
            reply(m, (List<String> paths) -> new JsonObject().put("paths", new JsonArray(paths))));
      }
      case "sync" -> coordinator.sync(session, f.optString("path", "/"),
          reply(m, p -> new JsonObject().put("path", p).put("zxid", coordinator.lastApplied())));
      case "addWatch" -> {
        String path = f.string("path");
        AddWatchMode mode = AddWatchMode.parse(f.optString("mode", "persistent_recursive"));
        coordinator.read(session, () -> {
          // not checked, as in ZooKeeper: the events themselves go only to a session that may read
          reads.addWatch(session, path, mode);
          return path;
        }, reply(m, p -> new JsonObject().put("path", p)));
      }
      case "removeWatches" -> {
        String path = f.string("path");
        WatcherType type = WatcherType.parse(f.optString("type", "any"));
        coordinator.read(session, () -> reads.removeWatches(session, path, type),
            reply(m, (List<WatchEvent> removed) -> {
              JsonArray a = new JsonArray();
              removed.forEach(e -> a.add(e.type().name()));
              return new JsonObject().put("removed", a);
            }));
      }
      case "openStream" -> openStream(m, f, session, caller);
      case "closeStream" -> {
        String id = f.string("stream");
        Map<String, ChangeStreams.Subscription> subs = sessionStreams.get(session);
        ChangeStreams.Subscription s = subs == null ? null : subs.remove(id);
        if (s == null) {
          throw BatonException.badArguments("no stream '" + id + "' for this session");
        }
        s.close();
        m.reply(new JsonObject().put("stream", id).put("zxid", coordinator.lastApplied()));
      }
      case "snapshot" -> {
        coordinator.auth().access().checkAdmin(caller, op);
        coordinator.requestSnapshot(reply(m, z -> new JsonObject().put("zxid", z)));
      }
      case "digest" -> {
        coordinator.auth().access().checkAdmin(caller, op);
        StateDigest d = coordinator.digest();
        m.reply(new JsonObject().put("zxid", d.zxid()).put("digest", Long.toHexString(d.treeDigest()))
            .put("nodes", d.nodeCount()).put("sessions", d.sessions().size()));
      }
      case "info" -> m.reply(info());
      case "whoAmI" -> {
        JsonArray identities = new JsonArray();
        caller.identities().stream().map(Identity::toString).sorted().forEach(identities::add);
        m.reply(new JsonObject().put("identities", identities).put("super", caller.superUser()));
      }
      default -> throw new BatonException(ErrorCode.UNIMPLEMENTED, "unknown op '" + op + "'");
    }
  }

  private JsonObject info() {
    JsonObject info = new JsonObject()
        .put("zxid", coordinator.lastApplied())
        .put("nodes", coordinator.nodeCount())
        .put("watches", reads.watchCount())
        .put("parkedRequests", waiting.size())
        .put("logSyncFailing", coordinator.syncFailures() > 0)
        .put("logSyncFailures", coordinator.syncFailures())
        .put("streams", streams.size())
        .put("durability", coordinator.config().durability().name().toLowerCase())
        .put("logHorizon", coordinator.log().horizon())
        .put("protocol", Protocol.VERSION)
        .put("nodeId", coordinator.config().nodeId());
    if (replication == null) {
      return info.put("role", "standalone");
    }
    String role = replication.isReadyLeader() ? "leader"
        : replication.role() == io.baton.core.replication.RaftNode.Role.LEADER ? "leader_starting" : replication.role().name().toLowerCase();
    return info.put("role", role)
        .put("leader", replication.leader())
        .put("term", replication.term())
        .put("commitIndex", replication.commitIndex())
        .put("appliedIndex", replication.appliedIndex());
  }

  private void openStream(Message<Object> m, Fields f, long session, Caller caller) {
    if (session == 0) {
      throw BatonException.badArguments("openStream needs a session to deliver to");
    }
    long from = f.optLong("fromZxid", coordinator.lastApplied());
    String requested = f.optString("stream", null);
    coordinator.read(session, () -> {
      String id = requested != null ? requested : "s" + (++streamCounter);
      if (sessionStreams.getOrDefault(session, Map.of()).containsKey(id)) {
        throw BatonException.badArguments("stream '" + id + "' is already open");
      }
      String target = Protocol.sessionAddress(address, session);
      ChangeStreams.Subscription sub = streams.open(from, new ChangeStreams.Sink() {
        @Override
        public void events(List<ChangeEvent> all) {
          List<ChangeEvent> events = caller.superUser() ? all : readable(all, caller);
          for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            boolean endOfEntry = i + 1 == events.size() || events.get(i + 1).zxid() != e.zxid();
            vertx.eventBus().publish(target, Protocol.change(id, e).put("endOfEntry", endOfEntry));
          }
        }

        @Override
        public boolean ready() {
          return pacing.ready(target);
        }

        @Override
        public void whenReady(Runnable resume) {
          pacing.whenReady(target, resume);
        }

        @Override
        public void failed(BatonException error) {
          vertx.eventBus().publish(target, new JsonObject().put("type", "streamFailed").put("stream", id)
              .put("code", error.code().value()).put("message", error.getMessage()));
        }
      });
      sessionStreams.computeIfAbsent(session, k -> new HashMap<>()).put(id, sub);
      return id;
    }, reply(m, id -> new JsonObject().put("stream", id).put("fromZxid", from)));
  }

  /** The events of {@code all} whose node {@code caller} may read now (see {@link Coordinator#mayRead}). */
  private List<ChangeEvent> readable(List<ChangeEvent> all, Caller caller) {
    List<ChangeEvent> out = new ArrayList<>(all.size());
    for (ChangeEvent e : all) {
      if (e.path() == null || reads.mayRead(caller, e.path())) {
        out.add(e);
      }
    }
    return out;
  }

  private static JsonObject shapeSingle(Command op, List<OpResult> results) {
    OpResult last = results.get(results.size() - 1);
    if (op instanceof Op.Create && last instanceof OpResult.Created c) {
      return new JsonObject().put("path", c.path()).put("stat", Protocol.stat(c.stat()));
    }
    if (last instanceof OpResult.DataSet s) {
      return new JsonObject().put("stat", Protocol.stat(s.stat()));
    }
    if (last instanceof OpResult.AclSet s) {
      return new JsonObject().put("stat", Protocol.stat(s.stat()));
    }
    return new JsonObject();
  }

  /** Replies with the encoded result plus the node's applied zxid (unless the reply names a zxid already). */
  private <T> Completion<T> reply(Message<Object> m, Function<T, JsonObject> encode) {
    return (result, error) -> {
      if (error != null) {
        fail(m, error);
      } else {
        JsonObject body = encode.apply(result);
        if (!body.containsKey("zxid")) {
          body.put("zxid", coordinator.lastApplied());
        }
        m.reply(body, SharedJsonCodec.OPTIONS);
      }
    };
  }

  private static void fail(Message<Object> m, BatonException e) {
    String message = e.getMessage();
    if (e instanceof MultiFailedException mf) {
      message = message + " " + new JsonObject().put("failedIndex", mf.failedIndex())
          .put("results", Protocol.results(mf.results())).encode();
    }
    m.fail(e.code().value(), message);
  }

}
