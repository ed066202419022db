package io.baton.vertx.spi.cluster.impl;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Vert.x nodes of the cluster: each is a member of the Baton group named by the prefix (an ephemeral
 * {@code /baton/groups/<tag>/members/<nodeId>} of its session, joined through the group recipe, so Baton's
 * membership events and the Kafka bridge's {@code MEMBER_JOINED}/{@code MEMBER_LEFT} tell the cluster's
 * story), with its {@link NodeInfo} in the ephemeral {@code <prefix>/nodes/<nodeId>}. A persistent watch on
 * the members triggers a fresh listing, which is diffed against the last one: the listener hears every join
 * and leave in order, and a reconnect (events possibly missed) or a new session only triggers one more
 * listing, so nothing is missed.
 */
public final class Membership implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
  private static final long RETRY_MS = 500;
  private final Connection connection;
  private final Layout layout;
  private final String nodeId;
  private final Notifier notifier;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Map<String, NodeInfo> infos = new ConcurrentHashMap<>();
  private volatile NodeListener listener;
  private volatile NodeInfo own;
  private boolean listing;
  private boolean listAgain;

  public Membership(Connection connection, Layout layout, String nodeId, Notifier notifier) {
    this.connection = connection;
    this.layout = layout;
    this.nodeId = nodeId;
    this.notifier = notifier;
  }

  public void listener(NodeListener l) {
    this.listener = l;
  }

  /** Watches the members, adds this node and takes the first listing (no events for the members found). */
  public Future<Void> join() {
    return Retry.onConnectionLoss(connection, () -> {
      CoordinationClient c = connection.client();
      return enter(c).compose(v -> c.getChildren(layout.members(), false));
    }).map(children -> {
      known.addAll(children.names());
      return null;
    });
  }

  /** Watches the members and joins them (again after a new session). */
  private Future<Void> enter(CoordinationClient c) {
    return Nodes.ensure(c, layout.nodes())
        .compose(v -> c.addWatch(layout.members(), AddWatchMode.PERSISTENT))
        .compose(v -> Recipes.of(c).group(layout.group()).join(nodeId, null)
            .recover(t -> Errors.is(t, ErrorCode.NODE_EXISTS) ? Future.succeededFuture() : Future.failedFuture(t)))
        .compose(v -> own == null ? Future.succeededFuture() : createOwn(c));
  }

  private Future<Void> createOwn(CoordinationClient c) {
    byte[] data = bytes(own);
    return c.create(layout.node(nodeId), data, CreateMode.EPHEMERAL)
        .<Void>mapEmpty()
        .recover(t -> Errors.is(t, ErrorCode.NODE_EXISTS) ? c.setData(layout.node(nodeId), data, -1).mapEmpty()
            : Future.failedFuture(t));
  }

  /** Publishes this node's NodeInfo as its node's data. */
  public Future<Void> setNodeInfo(NodeInfo info) {
    own = info;
    infos.put(nodeId, info);
    return Retry.onConnectionLoss(connection, () -> {
      CoordinationClient c = connection.client();
      return c.setData(layout.node(nodeId), bytes(info), -1).<Void>mapEmpty()
          .recover(t -> Errors.is(t, ErrorCode.NO_NODE) ? createOwn(c) : Future.failedFuture(t));
    });
  }

  public NodeInfo ownInfo() {
    return own;
  }

  /**
   * The members as last listed, sorted, never blocking. Every node must list them in the same order:
   * Vert.x HA picks the node that takes over a failed node's verticles by position in this list.
   */
  public List<String> nodes() {
    List<String> list = new ArrayList<>(known);
    Collections.sort(list);
    return list;
  }

  /** A member's NodeInfo; fails if it is not a member (or has not published it yet). */
  public Future<NodeInfo> nodeInfo(String id) {
    NodeInfo cached = infos.get(id);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return Retry.onConnectionLoss(connection, () -> connection.client().getData(layout.node(id), false))
        .compose(d -> {
      if (d.data() == null || d.data().length == 0) {
        return Future.failedFuture(new VertxException("node " + id + " has not published its NodeInfo yet", true));
      }
      NodeInfo info = new NodeInfo();
      info.readFromBuffer(0, Buffer.buffer(d.data()));
      if (known.contains(id)) {
        infos.put(id, info);
      }
      return Future.succeededFuture(info);
    }, t -> Future.failedFuture(Errors.is(t, ErrorCode.NO_NODE)
        ? new VertxException("Not a member of the cluster: " + id, true) : t));
  }

  @Override
  public void watchEvent(WatchEvent event) {
    if (event.path().equals(layout.members())) {
      list();
    }
  }

  @Override
  public void resync() {
    list();
  }

  @Override
  public void sessionReplaced() {
    enter(connection.client())
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("could not add this node again after a new session: {}", ar.cause().toString());
          }
          list();
        });
  }

  /** Lists the members; listings never overlap, and a change seen during one asks for another. */
  private void list() {
    synchronized (this) {
      if (listing) {
        listAgain = true;
        return;
      }
      listing = true;
      listAgain = false;
    }
    connection.client().getChildren(layout.members(), false).onComplete(ar -> {
      if (ar.succeeded()) {
        diff(new HashSet<>(ar.result().names()));
      } else {
        LOG.debug("listing the members failed: {}", ar.cause().toString());
      }
      boolean again;
      synchronized (this) {
        listing = false;
        again = listAgain;
      }
      if (connection.isClosed()) {
        return;
      }
      if (again) {
        list();
      } else if (ar.failed() && !Errors.is(ar.cause(), ErrorCode.SESSION_EXPIRED)) {
        connection.vertx().setTimer(RETRY_MS, id -> list());    // a reconnect or a new session lists again anyway
      }
    });
  }

  private void diff(Set<String> now) {
    for (String id : new ArrayList<>(known)) {
      if (!now.contains(id)) {
        known.remove(id);
        infos.remove(id);
        if (!id.equals(nodeId)) {
          LOG.debug("node {} left", id);
          notifier.notify("nodeLeft " + id, () -> fire(l -> l.nodeLeft(id)));
        }
      }
    }
    for (String id : now) {
      if (known.add(id) && !id.equals(nodeId)) {
        LOG.debug("node {} joined", id);
        notifier.notify("nodeAdded " + id, () -> fire(l -> l.nodeAdded(id)));
      }
    }
  }

  private void fire(java.util.function.Consumer<NodeListener> call) {
    NodeListener l = listener;
    if (l != null) {
      call.accept(l);
    }
  }

  private static byte[] bytes(NodeInfo info) {
    Buffer b = Buffer.buffer();
    info.writeToBuffer(b);
    return b.getBytes();
  }
}
