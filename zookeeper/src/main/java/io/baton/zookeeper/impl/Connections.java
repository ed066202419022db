package io.baton.zookeeper.impl;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.core.server.Coordinator;
import io.baton.core.server.CoordinatorListener;
import io.baton.core.watch.WatchEvent;
import io.baton.tls.ClientSockets;
import io.baton.zookeeper.ZooKeeperPortOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ZooKeeper port's connections: accepted within {@code maxConnections} and
 * {@code maxConnectionsPerAddress}, each bound to one session by its handshake (a newer connection
 * of the same session replaces the older one, as in ZooKeeper), and the coordinator's watch
 * notifications and session ends routed to them. A connection that goes away without closing its
 * session leaves the session to expire (its ephemerals stay for the timeout) and drops its watches,
 * which its client sets again when it reconnects. Owner thread only.
 */
public final class Connections implements CoordinatorListener {
  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

  private final Vertx vertx;
  private final Coordinator coordinator;
  private final Limits limits;
  private final Requests requests;
  private final Set<ZkConnection> open = new HashSet<>();
  private final Map<String, Integer> perHost = new HashMap<>();
  private final Map<Long, ZkConnection> bySession = new HashMap<>();
  private final FourLetterWords fourLetterWords;
  private long received;
  private long sent;

  /** Connections to {@code coordinator}'s node; call on the coordinator's context. */
  public Connections(Vertx vertx, Coordinator coordinator, ZooKeeperPortOptions options) {
    this.vertx = vertx;
    this.coordinator = coordinator;
    this.limits = coordinator.config().limits();
    this.requests = new Requests(coordinator);
    this.fourLetterWords = new FourLetterWords(coordinator, options, this);
    if (coordinator.auth().sessionSecret(1).length != Handshake.PASSWORD_BYTES) {
      throw new IllegalStateException("session secrets must be " + Handshake.PASSWORD_BYTES
          + " bytes to serve as ZooKeeper session passwords");
    }
  }

  /** A client connected. */
  public void accept(NetSocket socket) {
    String host = socket.remoteAddress() == null ? "?" : socket.remoteAddress().host();
    String refusal = null;
    if (open.size() >= limits.maxConnections()) {
      refusal = "this port takes at most " + limits.maxConnections() + " connections (maxConnections)";
    } else if (perHost.getOrDefault(host, 0) >= limits.maxConnectionsPerAddress()) {
      refusal = "this port takes at most " + limits.maxConnectionsPerAddress()
          + " connections from one address (maxConnectionsPerAddress)";
    }
    if (refusal != null) {
      LOG.warn("refused a ZooKeeper connection from {}: {}", host, refusal);
      socket.close();
      return;
    }
    ClientSockets.consolidateFlushes(socket);
    open.add(new ZkConnection(this, vertx, socket, host, limits));
    perHost.merge(host, 1, Integer::sum);
  }

  /** Closes every connection (the port stops). */
  public void closeAll() {
    List.copyOf(open).forEach(ZkConnection::close);
  }

  Requests requests() {
    return requests;
  }

  /** The four-letter words this port answers. */
  public FourLetterWords fourLetterWords() {
    return fourLetterWords;
  }

  void countReceived() {
    received++;
  }

  void countSent() {
    sent++;
  }

  /** Packets received from clients (handshakes and requests). */
  long received() {
    return received;
  }

  /** Packets sent to clients (replies, notifications). */
  long sent() {
    return sent;
  }

  /** Open connections. */
  int count() {
    return open.size();
  }

  /** Requests read and not yet answered, on every connection. */
  long outstanding() {
    long n = 0;
    for (ZkConnection c : open) {
      n += c.outstanding();
    }
    return n;
  }

  void forEach(java.util.function.Consumer<ZkConnection> visitor) {
    open.forEach(visitor);
  }

  /** The zxid a reply carries: the node's last applied one. */
  long lastZxid() {
    return coordinator.lastApplied();
  }

  /**
   * A connection's first packet: opens a new session or resumes one (any node's: the password is the
   * session secret, the same on every member), then lets the connection serve it. A client that has
   * seen more than this node applied is refused (closed: it tries another node), as ZooKeeper does.
   */
  void handshake(ZkConnection c, Buffer payload) {
    Handshake.Connect connect;
    try {
      connect = Handshake.decode(payload);
      coordinator.requireApplied(connect.lastZxidSeen());
    } catch (Handshake.NotAHandshake e) {
      c.closeWith("its first packet is no ConnectRequest: " + e.getMessage());
      return;
    } catch (BatonException e) {
      c.closeWith(e.getMessage() + "; the client must try another server");
      return;
    }
    long id = connect.sessionId();
    if (id == 0) {
      coordinator.openSession(connect.timeoutMs(), (opened, e) -> {
        if (e != null) {
          c.closeWith("no session for it: " + e.getMessage());
        } else if (c.isOpen()) {
          coordinator.auth().sessionOpened(opened.sessionId(), c.identities()); // its x509 identity is the session's
          bind(opened.sessionId(), c);
          c.connected(opened.sessionId(), opened.timeoutMs(), Handshake.accepted(connect, opened.sessionId(), opened.timeoutMs(),
              coordinator.auth().sessionSecret(opened.sessionId())));
        }
      });
      return;
    }
    if (!coordinator.auth().provesSession(id, connect.password()) || !coordinator.isSessionOpen(id)) {
      expired(c, connect, id);
      return;
    }
    coordinator.heartbeat(id, (timeout, e) -> {
      if (e != null && e.code() == ErrorCode.SESSION_EXPIRED) {
        expired(c, connect, id);
      } else if (e != null) {
        c.closeWith("session 0x" + Long.toHexString(id) + " cannot resume here: " + e.getMessage());
      } else if (c.isOpen()) {
        coordinator.auth().sessionOpened(id, c.identities());
        bind(id, c);
        c.connected(id, timeout, Handshake.accepted(connect, id, timeout, coordinator.auth().sessionSecret(id)));
      }
    });
  }

  private void expired(ZkConnection c, Handshake.Connect connect, long id) {
    LOG.info("ZooKeeper client {} asked for session 0x{}: unknown, expired or a wrong password; answered expired",
        c.host(), Long.toHexString(id));
    c.send(Handshake.expired(connect));
    c.close();
  }

  private void bind(long session, ZkConnection c) {
    ZkConnection previous = bySession.put(session, c);
    if (previous != null && previous != c) {
      previous.replaced();
      coordinator.reads().dropWatches(session);
    }
  }

  /** A connection closed. */
  void removed(ZkConnection c) {
    if (open.remove(c)) {
      perHost.computeIfPresent(c.host(), (h, n) -> n == 1 ? null : n - 1);
    }
    long session = c.session();
    if (session != 0 && bySession.get(session) == c) {
      bySession.remove(session);
      coordinator.reads().dropWatches(session);
    }
  }

  @Override
  public void watchEvent(long sessionId, WatchEvent event) {
    ZkConnection c = bySession.get(sessionId);
    if (c != null) {
      c.notify(event);
    }
  }

  @Override
  public void sessionEnded(long sessionId, boolean expired) {
    ZkConnection c = bySession.remove(sessionId);
    if (c != null) {
      c.sessionEnded();
    }
  }
}
