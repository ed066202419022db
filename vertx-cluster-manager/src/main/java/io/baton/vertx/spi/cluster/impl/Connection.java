package io.baton.vertx.spi.cluster.impl;

import io.baton.core.watch.WatchEvent;
import io.baton.vertx.client.ConnectionState;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.spi.cluster.BatonClusterOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Baton session of one Vert.x node. Over TCP it runs on a small Vert.x instance of its own (one event
 * loop), so the clustered instance's shutdown never cuts the cluster manager off before it has left; an
 * embedded Baton node is reached on its own instance's event bus. Failover is the client's: a
 * reconnect with the same session is only reported to {@link Listener#resync} (watch events may have been
 * missed); a lost session is replaced by a new one, after which {@link Listener#sessionReplaced} lets each
 * part put its ephemerals back. Every callback runs on the client's event loop.
 */
public final class Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  private static final long REOPEN_RETRY_MS = 1_000;

  /** What the parts of the cluster manager learn from the connection. */
  public interface Listener {
    /** A watch event of this session. */
    void watchEvent(WatchEvent event);

    /** The session came back after a disconnection: re-read what the watches may have missed. */
    void resync();

    /** The session was lost and a new one opened: re-create this node's ephemerals, then re-read. */
    void sessionReplaced();
  }

  private final BatonClusterOptions options;
  private final Vertx vertx;
  private final boolean ownVertx;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile CoordinationClient client;
  private volatile boolean closed;

  private Connection(BatonClusterOptions options, Vertx vertx, boolean ownVertx) {
    this.options = options;
    this.vertx = vertx;
    this.ownVertx = ownVertx;
  }

  /** Opens the session. */
  public static Future<Connection> open(BatonClusterOptions options) {
    Vertx v = options.embedded();
    boolean own = v == null;
    if (own) {
      v = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    }
    Connection c = new Connection(options, v, own);
    Vertx vx = v;
    return c.connect().map(c).recover(t -> (own ? vx.close() : Future.<Void>succeededFuture())
        .transform(x -> Future.failedFuture(t)));
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  /** The current session's client. */
  public CoordinationClient client() {
    return client;
  }

  public int sessionTimeoutMs() {
    return options.sessionTimeoutMs();
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Closes the session (this node's ephemerals, registrations and locks go with it) and the connection. */
  public Future<Void> close() {
    closed = true;
    CoordinationClient c = client;
    Future<Void> done = c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
    return ownVertx ? done.eventually(vertx::close) : done;
  }

  private Future<Void> connect() {
    Future<CoordinationClient> opening = options.embedded() != null
        ? CoordinationClient.connect(vertx, options.clientOptions())
        : CoordinationClient.connectBridge(vertx, options.servers(), options.clientOptions());
    return opening.compose(c -> {
      c.watchHandler(e -> listeners.forEach(l -> l.watchEvent(e)));
      c.connectionStateHandler(state -> stateChanged(c, state));
      Future<Void> identified = options.digest() == null ? Future.succeededFuture()
          : c.addAuth("digest", options.digest());
      return identified.map(v -> {
        client = c;
        return (Void) null;
      }).recover(t -> c.close().transform(x -> Future.failedFuture(t)));
    });
  }

  private void stateChanged(CoordinationClient c, ConnectionState state) {
    if (closed || c != client) {
      return;
    }
    switch (state) {
      case DISCONNECTED -> LOG.info("Baton connection lost; failing over with session 0x{}",
          Long.toHexString(c.sessionId()));
      case RECONNECTED -> {
        LOG.info("Baton session 0x{} reconnected", Long.toHexString(c.sessionId()));
        listeners.forEach(Listener::resync);
      }
      case EXPIRED -> {
        LOG.warn("Baton session 0x{} lost: this Vert.x node left the cluster; joining again with a new session",
            Long.toHexString(c.sessionId()));
        reopen();
      }
    }
  }

  private void reopen() {
    if (closed) {
      return;
    }
    connect().onSuccess(v -> listeners.forEach(Listener::sessionReplaced)).onFailure(t -> {
      LOG.warn("could not open a new Baton session, retrying: {}", t.toString());
      vertx.setTimer(REOPEN_RETRY_MS, id -> reopen());
    });
  }
}
