package io.baton.vertx.client;

import io.baton.core.stream.ChangeEvent;
import io.baton.core.tree.Children;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatcherType;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.ClientImpl;
import io.baton.vertx.client.impl.EventBusTransport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A Baton session, Future-based in the Vert.x style. Connect on the local event bus (same Vert.x
 * instance as the {@code CoordinatorVerticle}) or through the TCP event-bus bridge from another
 * process. The client heartbeats its session; failures are {@code BatonException}s carrying
 * ZooKeeper-style codes. Watch notifications go to {@link #watchHandler}.
 */
public interface CoordinationClient {

  /** Opens a session on the local event bus. */
  static Future<CoordinationClient> connect(Vertx vertx, ClientOptions options) {
    return ClientImpl.open(vertx, new EventBusTransport(vertx, options), options);
  }

  /** Opens a session through the TCP event-bus bridge at {@code host:port}. */
  static Future<CoordinationClient> connectBridge(Vertx vertx, String host, int port, ClientOptions options) {
    return BridgeTransport.connect(vertx, host, port, options)
        .compose(t -> ClientImpl.open(vertx, t, options));
  }

  long sessionId();

  int sessionTimeoutMs();

  /** Creates a node; returns its path (with the sequence suffix for sequential modes). */
  Future<String> create(String path, byte[] data, CreateMode mode);

  /** Creates a node with all options: TTL (for TTL modes) and creating missing parents. */
  Future<String> create(String path, byte[] data, CreateMode mode, long ttlMs, boolean createParents);

  Future<Void> delete(String path, int version);

  /** The node's stat, or null if it does not exist. */
  Future<Stat> exists(String path, boolean watch);

  Future<NodeData> getData(String path, boolean watch);

  Future<Stat> setData(String path, byte[] data, int version);

  Future<Children> getChildren(String path, boolean watch);

  /** This session's ephemeral nodes at or below {@code prefix}. */
  Future<List<String>> getEphemerals(String prefix);

  /** Atomic multi-op transaction; fails with a {@code MultiException} holding per-op results. */
  Future<List<OpResult>> multi(List<Op> ops);

  /** Completes once every write ordered before it is applied. */
  Future<Void> sync(String path);

  Future<Void> addWatch(String path, AddWatchMode mode);

  Future<Void> removeWatches(String path, WatcherType type);

  /** Handler of watch notifications of this session. */
  CoordinationClient watchHandler(Handler<WatchEvent> handler);

  /**
   * Called once when the session is lost without {@link #close()}: "expired" (the node expired it),
   * "closed" (closed elsewhere) or "unreachable" (no heartbeat succeeded for a whole timeout).
   */
  CoordinationClient sessionLostHandler(Handler<String> handler);

  /** Streams every committed change after {@code fromZxid} to {@code handler}. */
  Future<ChangeStream> openChangeStream(long fromZxid, Handler<ChangeEvent> handler);

  /**
   * Streams every committed entry after {@code fromZxid} as the list of its changes (all changes of
   * one zxid together): what a consumer that checkpoints by zxid needs.
   */
  Future<ChangeStream> openEntryStream(long fromZxid, Handler<List<ChangeEvent>> handler);

  /** Sends a raw protocol request (see docs/protocol.md); the session is filled in. */
  Future<io.vertx.core.json.JsonObject> request(io.vertx.core.json.JsonObject request);

  /** As {@link #request(io.vertx.core.json.JsonObject)} with its own reply timeout. */
  Future<io.vertx.core.json.JsonObject> request(io.vertx.core.json.JsonObject request, long timeoutMs);

  /**
   * Receives recipe events ({@code {"type":"recipe",...}}) for {@code recipe}/{@code name}; see
   * {@code io.baton.vertx.client.recipes.Recipes} for the typed API built on it.
   */
  CoordinationClient recipeEventHandler(String recipe, String name, Handler<io.vertx.core.json.JsonObject> handler);

  /** Closes the session (its ephemerals are deleted) and the connection. */
  Future<Void> close();
}
