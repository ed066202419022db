package io.baton.vertx.client;

import io.baton.core.acl.Acl;
import io.baton.core.acl.NodeAcl;
import io.baton.core.error.BatonException;
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
import io.baton.vertx.client.impl.BridgeEndpoints;
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
 *
 * <p>A client given several node addresses ({@link #connectBridge(Vertx, List, ClientOptions)})
 * keeps its session across the loss of its connection, as ZooKeeper's does: requests in flight fail
 * with {@code CONNECTION_LOSS} (-4; a write's outcome is then unknown), requests issued while it is
 * disconnected fail at once with {@code CONNECTION_LOSS}, and it reconnects to the nodes in turn
 * until the session timeout has passed. The node it reconnects to serves it only once it has
 * applied every zxid the client has seen; the client then registers its watches again (firing the
 * one-shot watch events it missed, like ZooKeeper's setWatches), resumes its change streams right
 * after the last change delivered (none missed, none repeated) and renews its recipe subscriptions.
 * Persistent watches and recipe subscriptions do not replay events that happened while it was
 * disconnected; use a change stream for a gap-free feed. Likewise a recipe command that failed with
 * ConnectionLoss (a {@code lock.acquire} waiting, an election's pending leadership) may still take
 * effect on the node: re-read its state (holders, leader) after RECONNECTED.
 */
public interface CoordinationClient {

  /** Opens a session on the local event bus. */
  static Future<CoordinationClient> connect(Vertx vertx, ClientOptions options) {
    return ClientImpl.open(vertx, new EventBusTransport(vertx, options), options);
  }

  /**
   * Opens a session through the TCP event-bus bridge at {@code host:port}, over one connection: if
   * it is lost, requests fail and the session is reported lost once a whole timeout has passed
   * without a heartbeat. Use {@link #connectBridge(Vertx, List, ClientOptions)} (also with one
   * address) for a client that reconnects.
   */
  static Future<CoordinationClient> connectBridge(Vertx vertx, String host, int port, ClientOptions options) {
    return BridgeTransport.connect(vertx, host, port, options)
        .compose(t -> ClientImpl.open(vertx, t, options));
  }

  /**
   * Opens a session through the TCP bridge of one of the nodes {@code hostPorts} ({@code "host:port"},
   * tried from a random one) and fails over to the others when the connection is lost (see the class
   * comment). Fails with BadArguments for a malformed address, and with the last node's error if
   * none of them could open the session.
   */
  static Future<CoordinationClient> connectBridge(Vertx vertx, List<String> hostPorts, ClientOptions options) {
    BridgeEndpoints endpoints;
    try {
      endpoints = new BridgeEndpoints(vertx, hostPorts, options);
    } catch (BatonException e) {
      return Future.failedFuture(e);
    }
    return ClientImpl.openFailover(vertx, endpoints, options);
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

  /**
   * Authenticates this session ({@code digest} with {@code user:password}, ZooKeeper's addAuthInfo);
   * the client authenticates again on each node it fails over to. Fails with AuthFailed (-115).
   */
  Future<Void> addAuth(String scheme, String credentials);

  /**
   * Creates a node with {@code acl} (ZooKeeper's semantics: an {@code auth} entry stands for this
   * session's identities); fails with InvalidACL (-114) or, without CREATE on the parent, NoAuth (-102).
   */
  Future<String> create(String path, byte[] data, List<Acl> acl, CreateMode mode);

  /** A node's ACL and stat; needs READ or ADMIN on it. */
  Future<NodeAcl> getACL(String path);

  /** Replaces a node's ACL if its ACL version is {@code aversion} (-1: any); needs ADMIN on it. */
  Future<Stat> setACL(String path, List<Acl> acl, int aversion);

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

  /**
   * Handler of connection events: DISCONNECTED and RECONNECTED (only for a client with several node
   * addresses), EXPIRED when the session is lost (after {@link #sessionLostHandler}'s call).
   */
  CoordinationClient connectionStateHandler(Handler<ConnectionState> handler);

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
