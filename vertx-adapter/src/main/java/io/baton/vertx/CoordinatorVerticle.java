package io.baton.vertx;

import io.baton.core.auth.AuthConfig;
import io.baton.core.auth.DigestCredentials;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.core.log.LogOptions;
import io.baton.core.server.Coordinator;
import io.baton.core.server.CoordinatorConfig;
import io.baton.core.server.CoordinatorListener;
import io.baton.core.server.Durability;
import io.baton.core.server.FatalErrorHandler;
import io.baton.core.recipe.RecipeService;
import io.baton.core.stream.ChangeStreams;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.config.NodeConfigKeys;
import io.baton.vertx.api.SharedJsonCodec;
import io.baton.vertx.impl.CommandHandler;
import io.baton.vertx.impl.RecipeHandler;
import io.baton.vertx.impl.ContextScheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.baton.core.replication.ChronicleRaftStorage;
import io.baton.core.replication.ClusterConfig;
import io.baton.core.replication.PeerCodec;
import io.baton.core.replication.RaftReplication;
import io.baton.core.replication.RaftStorage;
import io.baton.vertx.cluster.NetPeerNetwork;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Baton node as a verticle. Recovers its state from {@code dataDir} (off the event loop), then
 * serves Baton's JSON protocol at {@code address} (default {@value Protocol#DEFAULT_ADDRESS}) and
 * sends each session's watch notifications and change-stream records to
 * {@code <address>.session.<id>}. The coordinator is owned by this verticle's context.
 *
 * <p>Configuration keys (all optional): {@code address}, {@code dataDir} ("data"), {@code nodeId} (1),
 * {@code durability} ("group" | "none" | "always"), {@code groupCommitMs} (0), every limit of
 * {@link Limits} by its name (e.g. {@code maxDataBytes} 1048576), {@code minSessionTimeoutMs} (2000), {@code maxSessionTimeoutMs} (60000), {@code tickMs}
 * (100), {@code snapshotEveryEntries} (100000), {@code snapshotsRetained} (3), {@code rollCycle}
 * ("FAST_HOURLY").
 *
 * <p>Cluster mode: with {@code cluster} (path of a cluster file, see {@link ClusterConfig}) or
 * {@code clusterConfig} (its text), the node is the member {@code nodeId} of that cluster: it links
 * to its peers on its peer port and commits writes through Raft (its Raft log lives in
 * {@code dataDir/raft}). {@code peerServerOptions} / {@code peerClientOptions} (Vert.x
 * {@code NetServerOptions} / {@code NetClientOptions} as JSON) configure the peer links, e.g. TLS.
 */
public class CoordinatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);

  private Coordinator coordinator;
  private RaftReplication raft;
  private NetPeerNetwork network;
  private MessageConsumer<Object> consumer;
  private CommandHandler commands;
  private RecipeService recipes;
  private String address;
  private FatalErrorHandler fatal;

  /**
   * What to do when the node halts on a fatal error (see {@link Coordinator#halt}); set before
   * deploying. By default the verticle undeploys itself; the launcher halts the process instead.
   */
  public CoordinatorVerticle onFatal(FatalErrorHandler handler) {
    this.fatal = handler;
    return this;
  }

  /** Builds the node configuration from verticle config JSON. */
  public static CoordinatorConfig coordinatorConfig(JsonObject c) {
    CoordinatorConfig d = CoordinatorConfig.defaults(Path.of(c.getString("dataDir", "data")));
    LogOptions log = c.containsKey("rollCycle")
        ? new LogOptions(LogOptions.rollCycle(c.getString("rollCycle")), null) : d.log();
    return new CoordinatorConfig(d.dataDir(), c.getInteger("nodeId", d.nodeId()),
        Durability.parse(c.getString("durability", d.durability().name())),
        c.getInteger("groupCommitMs", d.groupCommitMs()), limits(c, d.limits()),
        c.getInteger("minSessionTimeoutMs", d.minSessionTimeoutMs()),
        c.getInteger("maxSessionTimeoutMs", d.maxSessionTimeoutMs()), c.getInteger("tickMs", d.tickMs()),
        c.getLong("snapshotEveryEntries", d.snapshotEveryEntries()),
        c.getInteger("snapshotsRetained", d.snapshotsRetained()), log, auth(c));
  }

  /**
   * Authentication settings: {@code enforceAuth} (boolean), {@code superDigest} (ZooKeeper's
   * {@code super:<base64 sha1>}, the digest of the super user) and {@code superUsers} (identities as
   * {@code scheme:id}, e.g. {@code x509:CN=admin,O=ops}).
   */
  static AuthConfig auth(JsonObject c) {
    java.util.Set<Identity> supers = new java.util.HashSet<>();
    if (c.getValue("superDigest") instanceof String digest) {
      supers.add(new Identity(DigestCredentials.SCHEME, digest));
    }
    for (Object o : c.getJsonArray("superUsers", new io.vertx.core.json.JsonArray())) {
      supers.add(Identity.parse(String.valueOf(o)));
    }
    return new AuthConfig(c.getBoolean("enforceAuth", false), supers);
  }

  /** The {@link Limits} given by the configuration's keys of the same names over {@code defaults}. */
  public static Limits limits(JsonObject c, Limits defaults) {
    java.util.Map<String, Long> overrides = new java.util.HashMap<>();
    for (String key : Limits.KEYS) {
      if (c.containsKey(key)) {
        overrides.put(key, c.getLong(key));
      }
    }
    return defaults.with(overrides);
  }

  @Override
  public Future<?> start() {
    try {
      NodeConfigKeys.check(config());
    } catch (IllegalArgumentException badConfig) {
      return Future.failedFuture(badConfig);
    }
    address = config().getString("address", Protocol.DEFAULT_ADDRESS);
    SharedJsonCodec.register(vertx);
    CoordinatorConfig cfg = coordinatorConfig(config());
    ContextScheduler scheduler = new ContextScheduler(vertx, context);
    ClusterConfig cluster;
    try {
      cluster = clusterConfig(config());
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(new BatonException(ErrorCode.BAD_ARGUMENTS, "cluster configuration: " + e.getMessage()));
    }
    if (cluster == null && java.nio.file.Files.exists(cfg.dataDir().resolve("raft"))) {
      return Future.failedFuture(new BatonException(ErrorCode.BAD_ARGUMENTS, "the data directory " + cfg.dataDir()
          + " belongs to a cluster member; start it with its cluster configuration"));
    }
    return vertx.executeBlocking(() -> {
      Coordinator c = Coordinator.open(cfg, scheduler);
      RaftStorage storage = null;
      if (cluster != null) {
        try {
          storage = ChronicleRaftStorage.open(cfg.dataDir().resolve("raft"),
              new ChronicleRaftStorage.Options(cfg.log().rollCycle(), false));
        } catch (IOException | RuntimeException e) {
          c.close();
          throw e;
        }
      }
      return new Opened(c, storage);
    }).compose(opened -> {
      coordinator = opened.coordinator();
      coordinator.onFatal((zxid, reason, cause) -> {
        if (fatal != null) {
          fatal.halt(zxid, reason, cause);
        } else {
          vertx.undeploy(deploymentID());
        }
      });
      if (cluster != null) {
        cluster.member(cfg.nodeId());
        network = new NetPeerNetwork(vertx, cfg.nodeId(), cluster, PeerCodec.maxFrameBytes(cfg.limits()),
            new NetServerOptions(config().getJsonObject("peerServerOptions", new JsonObject())),
            new NetClientOptions(config().getJsonObject("peerClientOptions", new JsonObject())));
        try {
          raft = new RaftReplication(cfg.nodeId(), cluster, coordinator, scheduler, opened.raftStorage(), network,
              cfg.durability() != Durability.NONE, new Random());
        } catch (IOException | RuntimeException e) {
          opened.raftStorage().close();
          coordinator.close();
          coordinator = null;
          return Future.failedFuture(e);
        }
        network.receiver(raft::receive).lost(raft::peerLost);
      }
      coordinator.start();
      ChangeStreams streams = new ChangeStreams(coordinator, scheduler);
      recipes = new RecipeService(coordinator, scheduler, cfg.tickMs());
      CommandHandler handler = new CommandHandler(vertx, coordinator, streams,
          new RecipeHandler(vertx, recipes, address), address).replication(raft);
      commands = handler;
      coordinator.addListener(new CoordinatorListener() {
        @Override
        public void watchEvent(long sessionId, WatchEvent event) {
          vertx.eventBus().publish(Protocol.sessionAddress(address, sessionId), Protocol.watchEvent(event));
        }

        @Override
        public void sessionEnded(long sessionId, boolean expired) {
          handler.sessionEnded(sessionId);
          vertx.eventBus().publish(Protocol.sessionAddress(address, sessionId),
              new JsonObject().put("type", "session").put("state", expired ? "expired" : "closed"));
        }
      });
      consumer = vertx.eventBus().consumer(address, handler::handle);
      LOG.info("Baton serving at event-bus address '{}', data in {}", address, cfg.dataDir().toAbsolutePath());
      if (raft == null) {
        return consumer.completion();
      }
      return consumer.completion().compose(v -> network.listen()).map(n -> {
        raft.start();
        return null;
      });
    });
  }

  private record Opened(Coordinator coordinator, RaftStorage raftStorage) {
  }

  /** The cluster this node belongs to, or null for a lone node. */
  static ClusterConfig clusterConfig(JsonObject c) throws IOException {
    if (c.containsKey("clusterConfig")) {
      return ClusterConfig.parse(c.getString("clusterConfig"));
    }
    if (c.containsKey("cluster")) {
      return ClusterConfig.read(Path.of(c.getString("cluster")));
    }
    return null;
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    if (raft != null) {
      raft.close();
    }
    Future<Void> linksClosed = network == null ? Future.succeededFuture() : network.close();
    return Future.join(unregistered, linksClosed).compose(v -> {
      if (coordinator == null) {
        return Future.succeededFuture();
      }
      try {
        coordinator.close();
        return Future.succeededFuture();
      } catch (RuntimeException e) {
        return Future.failedFuture(new BatonException(ErrorCode.SYSTEM_ERROR, "close failed: " + e));
      }
    });
  }

  /** The context that owns the coordinator (its event loop runs the state machine). */
  public Context ownerContext() {
    return context;
  }

  /** This node's replication, or null for a lone node; owned by this verticle's context. */
  public RaftReplication replication() {
    return raft;
  }

  /** This node's recipes (locks, elections, groups, queues, ...); owned by this verticle's context. */
  public RecipeService recipes() {
    return recipes;
  }

  /** The handler of this node's requests (what its event-bus address serves); owned by this verticle's context. */
  public CommandHandler commands() {
    return commands;
  }

  /** The running coordinator (for embedding applications and tests); owned by this verticle's context. */
  public Coordinator coordinator() {
    return coordinator;
  }
}
