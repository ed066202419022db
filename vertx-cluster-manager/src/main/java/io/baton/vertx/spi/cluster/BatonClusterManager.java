package io.baton.vertx.spi.cluster;

import io.baton.vertx.spi.cluster.impl.BatonAsyncMap;
import io.baton.vertx.spi.cluster.impl.BatonCounter;
import io.baton.vertx.spi.cluster.impl.BlockingMap;
import io.baton.vertx.spi.cluster.impl.CallerContext;
import io.baton.vertx.spi.cluster.impl.Connection;
import io.baton.vertx.spi.cluster.impl.Layout;
import io.baton.vertx.spi.cluster.impl.Locks;
import io.baton.vertx.spi.cluster.impl.Membership;
import io.baton.vertx.spi.cluster.impl.Notifier;
import io.baton.vertx.spi.cluster.impl.Subscriptions;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Vert.x {@link ClusterManager} backed by Baton: node membership, the event bus's subscription registry,
 * cluster-wide async maps (and the sync map of Vert.x HA), locks and counters, all kept in Baton's tree
 * under a path prefix ({@code /vertx} by default), with this node's membership, registrations and locks
 * tied to its Baton session. The Baton client's failover (a reconnect with the same session) is invisible
 * to Vert.x; when the session is lost, the other nodes see this one leave, and it joins again with a new
 * session and its registrations.
 *
 * <pre>{@code
 * ClusterManager cm = new BatonClusterManager(BatonClusterOptions.defaults()
 *     .withServers(List.of("10.0.0.1:7181", "10.0.0.2:7181", "10.0.0.3:7181")));
 * Vertx.builder().withClusterManager(cm).buildClustered();
 * }</pre>
 *
 * <p>Created without options (as Vert.x's service loader does), it reads the JSON options
 * ({@link BatonClusterOptions#fromJson}) from the file named by the system property
 * {@value #CONFIG_PROPERTY}, or uses the defaults.
 */
public class BatonClusterManager implements ClusterManager {
  /** System property naming a JSON options file for the no-argument constructor. */
  public static final String CONFIG_PROPERTY = "vertx.baton.config";
  private static final Logger LOG = LoggerFactory.getLogger(BatonClusterManager.class);

  private final BatonClusterOptions options;
  private final Layout layout;
  private final Map<String, BatonAsyncMap<?, ?>> syncMaps = new ConcurrentHashMap<>();
  private Vertx vertx;
  private CallerContext caller;
  private volatile NodeListener nodeListener;
  private volatile RegistrationListener registrationListener;
  private volatile String nodeId;
  private volatile boolean active;
  private volatile Connection connection;
  private volatile Notifier notifier;
  private volatile Membership membership;
  private volatile Subscriptions subscriptions;
  private volatile Locks locks;

  /** A cluster manager with the options of {@value #CONFIG_PROPERTY}, or the defaults. */
  public BatonClusterManager() {
    this(configured());
  }

  public BatonClusterManager(JsonObject options) {
    this(BatonClusterOptions.fromJson(options));
  }

  public BatonClusterManager(BatonClusterOptions options) {
    this.options = options;
    this.layout = new Layout(options.prefix());
  }

  private static BatonClusterOptions configured() {
    String file = System.getProperty(CONFIG_PROPERTY);
    if (file == null) {
      return BatonClusterOptions.defaults();
    }
    try {
      return BatonClusterOptions.fromJson(new JsonObject(Files.readString(Path.of(file))));
    } catch (IOException e) {
      throw new VertxException("cannot read the Baton cluster options " + file, e);
    }
  }

  @Override
  public void init(Vertx vertx) {
    this.vertx = vertx;
    this.caller = new CallerContext(vertx);
  }

  @Override
  public void join(Completable<Void> promise) {
    if (active) {
      promise.succeed();
      return;
    }
    String id = UUID.randomUUID().toString();
    Notifier n = new Notifier();
    Connection.open(options).compose(c -> {
      Membership m = new Membership(c, layout, id, n);
      m.listener(nodeListener);
      Subscriptions s = new Subscriptions(c, layout, n);
      s.listener(registrationListener);
      c.addListener(m);
      c.addListener(s);
      return m.join().compose(v -> s.start()).map(v -> {
        nodeId = id;
        connection = c;
        notifier = n;
        membership = m;
        subscriptions = s;
        locks = new Locks(c);
        active = true;
        LOG.info("Vert.x node {} joined the cluster {} on Baton", id, layout.prefix());
        return (Void) null;
      }).recover(t -> c.close().transform(x -> Future.failedFuture(t)));
    }).onComplete(ar -> {
      if (ar.failed()) {
        n.close(0);
      }
      promise.complete(null, ar.cause());
    });
  }

  /**
   * Closes the session once the listener call under way, if any, has returned (Vert.x HA may be finishing
   * a failover with the sync map), waiting at most a session timeout: as long as a crash would take to
   * be noticed.
   */
  @Override
  public void leave(Completable<Void> promise) {
    if (!active) {
      promise.succeed();
      return;
    }
    active = false;
    Connection c = connection;
    notifier.close(c.sessionTimeoutMs()).thenRun(() -> c.close().onComplete(ar -> {
      LOG.info("Vert.x node {} left the cluster {}", nodeId, layout.prefix());
      promise.succeed();
    }));
  }

  @Override
  public boolean isActive() {
    return active;
  }

  @Override
  public String getNodeId() {
    return nodeId;
  }

  /**
   * The Baton session of this node ({@code 0x…}, as Baton's admin page, CLI and Kafka session events show
   * it), or null when not joined. It changes only if the session is lost and replaced.
   */
  public String sessionId() {
    Connection c = connection;
    return c == null || !active ? null : "0x" + Long.toHexString(c.client().sessionId());
  }

  @Override
  public List<String> getNodes() {
    return membership.nodes();
  }

  @Override
  public void nodeListener(NodeListener listener) {
    this.nodeListener = listener;
    Membership m = membership;
    if (m != null) {
      m.listener(listener);
    }
  }

  @Override
  public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
    caller.on(membership.setNodeInfo(nodeInfo)).onComplete(promise);
  }

  @Override
  public NodeInfo getNodeInfo() {
    return membership.ownInfo();
  }

  @Override
  public void getNodeInfo(String id, Completable<NodeInfo> promise) {
    caller.on(membership.nodeInfo(id)).onComplete(promise);
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    this.registrationListener = listener;
    Subscriptions s = subscriptions;
    if (s != null) {
      s.listener(listener);
    }
  }

  @Override
  public void addRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    caller.on(subscriptions.add(address, registrationInfo)).onComplete(promise);
  }

  @Override
  public void removeRegistration(String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    caller.on(subscriptions.remove(address, registrationInfo)).onComplete(promise);
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    caller.on(subscriptions.fetch(address)).onComplete(promise);
  }

  @Override
  public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> promise) {
    promise.succeed(new BatonAsyncMap<>(connection, caller, layout.map(name)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Map<K, V> getSyncMap(String name) {
    BatonAsyncMap<K, V> map = (BatonAsyncMap<K, V>) syncMaps.computeIfAbsent(name,
        n -> new BatonAsyncMap<>(connection, CallerContext.NONE, layout.map(n)));
    return new BlockingMap<>(map, options.clientOptions().requestTimeoutMs());
  }

  @Override
  public void getLockWithTimeout(String name, long timeout, Completable<Lock> promise) {
    caller.on(locks.acquire(layout.recipeName(name), timeout)).onComplete(promise);
  }

  @Override
  public void getCounter(String name, Completable<Counter> promise) {
    promise.succeed(new BatonCounter(connection, caller, layout.recipeName(name)));
  }

  @Override
  public String clusterHost() {
    return options.clusterHost();
  }

  @Override
  public String clusterPublicHost() {
    return options.clusterPublicHost();
  }
}
