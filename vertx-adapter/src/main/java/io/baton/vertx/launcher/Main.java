package io.baton.vertx.launcher;

import io.baton.admin.AdminFace;
import io.baton.admin.AdminNode;
import io.baton.admin.AdminOptions;
import io.baton.core.replication.ClusterConfig;
import io.baton.vertx.CoordinatorVerticle;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.config.NodeConfigKeys;
import io.baton.vertx.bridge.BridgeListeners;
import io.baton.vertx.bridge.BridgeServer;
import io.baton.zookeeper.ZooKeeperPort;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a standalone Baton node: the {@link CoordinatorVerticle} plus its client bridge
 * ({@link BridgeServer}, the TCP event-bus bridge protocol) so other processes can send commands. Usage:
 * <pre>
 *   java -jar baton-server.jar [--config baton.json] [--data-dir data] [--bridge-port 7181]
 *                              [--bridge-host 127.0.0.1] [--bridge-tls-port 7443] [--admin-port 8181]
 *                              [--zk-port 2181] [--durability group|none|always]
 *                              [--cluster cluster.cfg --node-id N]
 * </pre>
 * A lone node also serves ZooKeeper's client protocol ({@link ZooKeeperPort}) on {@code zkPort},
 * 2181 unless told otherwise ({@code -1}: none), bound to {@code zkHost} (the bridge's host by
 * default); a cluster member serves it when {@code zkPort} is given, by default on the fourth field
 * of its line in the cluster file ({@code server.N=host:peerPort:clientPort:zkPort}).
 * {@code java -jar baton-server.jar log truncate ...} runs the offline {@link io.baton.vertx.cli.LogTool}.
 * With {@code --cluster}, the node is member N of that cluster: its bridge listens on the client
 * address the file gives it and its data lives in {@code data-N} unless told otherwise.
 * {@code --bridge-tls-port} sets {@code bridgeTls.port}; the rest of the TLS listener (certificate,
 * trust store, client authentication) is the {@code bridgeTls} object of {@code --config}
 * ({@link io.baton.tls.TlsListener}, docs/security.md).
 * The node's admin face ({@link AdminFace}: metrics, health, the admin page) listens on
 * {@code --admin-port} ({@code adminPort}, by default the bridge port + 1000, on the bridge's host;
 * -1 turns it off; see {@link AdminListener}).
 * The jar's manifest carries the JVM flags Chronicle Queue needs; Chronicle's analytics are off.
 * {@code java -XX:ArchiveClassesAtExit=baton-server.jsa -jar baton-server.jar cds-training} writes the
 * class data sharing archive a node starts about twice as fast with ({@link CdsTraining}; the build
 * makes one beside the jar, used as {@code java -XX:SharedArchiveFile=baton-server.jsa -jar ...}).
 */
public final class Main {
  /** Default TCP bridge port. */
  public static final int DEFAULT_BRIDGE_PORT = 7181;
  /** Default ZooKeeper client port of a lone node started from the command line, ZooKeeper's own. */
  public static final int DEFAULT_ZK_PORT = 2181;
  /** Exit code of a node that halted on a fatal error (a committed entry it cannot apply, a failed append). */
  public static final int EXIT_FATAL = 70;
  /** Exit status of a process stopped by a fatal JVM error (e.g. out of memory). */
  public static final int FATAL_EXIT = 3;

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("chronicle.analytics.disable", "true");
    if (args.length > 0 && args[0].equals("log")) {
      io.baton.vertx.cli.LogTool.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    quietNettyJfr();
    CdsTraining training = null;
    if (args.length == 1 && args[0].equals(CdsTraining.COMMAND)) {
      training = CdsTraining.prepare();
      args = training.args();
    }
    System.setProperty(LauncherLogging.ACTIVE, "true");
    noChronicleNativePosix();
    Warmup warmup = Warmup.start();
    Logger log = LoggerFactory.getLogger(Main.class);
    warmup.loggingReady();
    JsonObject config;
    AdminOptions admin;
    try {
      config = parse(args);
      admin = config == null ? null : adminOptions(config);
    } catch (IllegalArgumentException | IOException | io.vertx.core.json.DecodeException e) {
      System.err.println("Error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (config == null) {
      System.out.println(USAGE);
      return;
    }
    Vertx vertx = admin == null ? Vertx.vertx() : AdminFace.vertxWithMetrics(new VertxOptions());
    failStop(vertx, log);
    CountDownLatch stopped = new CountDownLatch(1);
    // a node that cannot apply or log a committed entry must not go on (nor run shutdown hooks that
    // would write anything more): the process stops at once; the Coordinator has logged why
    CoordinatorVerticle node = new CoordinatorVerticle().onFatal((zxid, reason, cause) -> {
      System.out.flush();
      System.err.flush();
      Runtime.getRuntime().halt(EXIT_FATAL);
    });
    warmup.await();
    CdsTraining trainingRun = training;
    start(vertx, config, node, admin).onSuccess(ports -> {
      System.out.println("Baton ready: " + ports.describe() + ", address '" + config.getString("address")
          + "', data in " + Path.of(config.getString("dataDir")).toAbsolutePath());
      if (trainingRun != null) {
        trainingRun.exercise(ports, config.getString("address"), () -> close(vertx));
      }
    })
        .onFailure(t -> {
          if (t instanceof IllegalArgumentException badConfig) {
            log.error("Baton failed to start: {}", badConfig.getMessage());
          } else {
            log.error("Baton failed to start", t);
          }
          vertx.close().onComplete(v -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close(vertx);
      stopped.countDown();
    }, "baton-shutdown"));
    stopped.await();
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    } catch (Exception ignored) {
      // exiting anyway
    }
  }

  /**
   * Netty 4.2 reports its buffer allocations as JFR events; the first connection's first buffer then
   * initializes JFR's event machinery on the event loop (0.1-0.2 s, on the path of a new node's first
   * request). Off unless {@code io.netty.jfr.enabled} is given: a recording still has every JDK
   * event, only Netty's allocator events are missing.
   */
  static void quietNettyJfr() {
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
  }

  private static final String NETTY_JFR = "io.netty.jfr.enabled";

  /**
   * Chronicle's first class ({@code Jvm}) binds libc through jnr-ffi as it loads, whether or not
   * anything uses it: about 500 classes and generated bindings, 0.1 s of an empty node's start on its
   * longest path (jnr-ffi's classes cannot even be archived: class file version 49). Chronicle calls
   * those bindings only for msync (its own {@code SyncMode}, and pre-touching), which Baton does not use:
   * the log is made durable by Baton's own {@code FileChannel.force} ({@code CycleFileSync}), so a sync
   * does not depend on them. The launcher gives Chronicle its no-op binding instead (its msync would
   * return at once; any other call fails loudly). Off with {@code -Dbaton.chronicle.nativePosix=true}.
   */
  static void noChronicleNativePosix() {
    if (!Boolean.getBoolean("baton.chronicle.nativePosix")) {
      net.openhft.posix.internal.PosixAPIHolder.useNoOpPosixApi();
    }
  }

  /**
   * Deploys the node and its bridge; completes with the bridge port (the TLS bridge's when only TLS
   * listens: {@code bridgePlain} false; see {@link BridgeListeners}). A bad bridge configuration
   * ({@code bridgeTls}: a missing file, a wrong password) fails it with an
   * {@link IllegalArgumentException} before the node starts. The bridge listens from the
   * coordinator's context, so its connections live on the coordinator's event loop: a request is
   * parsed, applied and answered on one thread, with no hand-over between threads on the way in or
   * out (measured: 1.3-1.4x the requests per second of a bridge on its own event loop).
   */
  public static Future<Integer> start(Vertx vertx, JsonObject config) {
    return serve(vertx, config).map(l -> l.bridge().first());
  }

  /**
   * {@link #start(Vertx, JsonObject)}, and the ZooKeeper port when {@code zkPort} is set (0: any free
   * port); completes with every port listening.
   */
  public static Future<Listening> serve(Vertx vertx, JsonObject config) {
    AdminOptions admin;
    try {
      admin = adminOptions(config);
    } catch (IllegalArgumentException badConfig) {
      return Future.failedFuture(badConfig);
    }
    return start(vertx, config, new CoordinatorVerticle(), admin);
  }

  /** The admin face's options from {@code config} (null: off); see {@link AdminListener}. */
  static AdminOptions adminOptions(JsonObject config) {
    return AdminListener.from(config, config.getInteger("bridgePort", DEFAULT_BRIDGE_PORT),
        config.getString("bridgeHost", "127.0.0.1"));
  }

  /**
   * The ports a started node listens on: the bridge's, the ZooKeeper ports ({@code zkPort} and
   * {@code zkTlsPort} -1 when it serves no ZooKeeper clients there) and the admin face (null when it is
   * off or could not take its default port).
   */
  public record Listening(BridgeListeners.Ports bridge, String zkHost, int zkPort, int zkTlsPort, AdminFace admin,
                          String adminUrl) {
    /** E.g. {@code bridge on 127.0.0.1:7181, ZooKeeper clients on 127.0.0.1:2181, admin on http://127.0.0.1:8181}. */
    public String describe() {
      return bridge.describe() + new ZooKeeperListeners.Ports(zkHost, zkPort, zkTlsPort).describe()
          + (admin == null ? "" : ", admin on " + adminUrl);
    }
  }

  private static Future<Listening> start(Vertx vertx, JsonObject config, CoordinatorVerticle node,
                                         AdminOptions admin) {
    String address = config.getString("address", Protocol.DEFAULT_ADDRESS);
    BridgeListeners listeners;
    ZooKeeperListeners zk;
    try {
      NodeConfigKeys.check(config);
      listeners = BridgeListeners.from(config, "127.0.0.1", DEFAULT_BRIDGE_PORT);
      zk = ZooKeeperListeners.from(config);
    } catch (IllegalArgumentException badConfig) {
      return Future.failedFuture(badConfig);
    }
    return vertx.deployVerticle(node, new DeploymentOptions().setConfig(config))
        .compose(id -> {
          Promise<Listening> listening = Promise.promise();
          node.ownerContext().runOnContext(v -> {
            BridgeServer bridge = new BridgeServer(vertx, address, node.coordinator(), node.commands());
            node.commands().pacing(bridge);
            listeners.listen(bridge).compose(ports -> zk.listen(vertx, node, config)
                    .map(z -> new Listening(ports, z.host(), z.plain(), z.tls(), null, null)))
                .onComplete(listening);
          });
          return listening.future();
        })
        .compose(l -> admin == null ? Future.succeededFuture(l)
            : startAdmin(vertx, config, node, admin, address).map(face -> new Listening(l.bridge(), l.zkHost(),
                l.zkPort(), l.zkTlsPort(), face, face == null ? null : (admin.tls() ? "https://" : "http://") + admin.host() + ":"
                + face.port())));
  }

  /**
   * Starts the admin face; a port given explicitly that cannot be taken fails the start, the default
   * one is given up with a warning (completing with null).
   */
  private static Future<AdminFace> startAdmin(Vertx vertx, JsonObject config, CoordinatorVerticle node,
                                              AdminOptions admin, String address) {
    AdminNode view = new AdminNode(node.ownerContext(), node.coordinator(), node.replication(), node.recipes(),
        address);
    return AdminFace.start(vertx, view, admin).recover(t -> {
      String why = "the admin face cannot listen on " + admin.host() + ":" + admin.port() + " ("
          + AdminListener.PORT + "): " + t.getMessage();
      if (AdminListener.explicit(config)) {
        return Future.failedFuture(new IllegalStateException(why, t));
      }
      LoggerFactory.getLogger(Main.class).warn("{}; the node runs without it (set {} to choose a port, -1 for none)",
          why, AdminListener.PORT);
      return Future.succeededFuture(null);
    });
  }

  /**
   * Makes this process stop when the JVM can no longer be trusted: an {@link VirtualMachineError}
   * (out of memory, stack overflow, internal error) thrown anywhere, including on an event loop,
   * logs one line and halts the process with {@link #FATAL_EXIT}, rather than leave a node whose
   * owner thread is dead serving nothing. Uncaught exceptions of other kinds are logged.
   */
  static void failStop(Vertx vertx, Logger log) {
    Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
      if (t instanceof VirtualMachineError) {
        halt(log, thread.getName(), t);
      }
      log.error("uncaught exception in thread {}", thread.getName(), t);
    });
    vertx.exceptionHandler(t -> {
      if (t instanceof VirtualMachineError) {
        halt(log, Thread.currentThread().getName(), t);
      }
      log.error("uncaught exception in a Vert.x handler", t);
    });
  }

  private static void halt(Logger log, String thread, Throwable t) {
    try {
      log.error("fatal {} in thread {}: stopping the process (exit {})", t.toString(), thread, FATAL_EXIT);
    } finally {
      Runtime.getRuntime().halt(FATAL_EXIT);
    }
  }

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar baton-server.jar [options]        (a node; java -jar baton-server.jar log ... for the log tool)",
      "  --config file.json         configuration (every key: README.md, Configuration); flags below override it",
      "  --data-dir dir             data directory (default data; in a cluster data-<id>)",
      "  --bridge-port N            client bridge port (default " + DEFAULT_BRIDGE_PORT + "; in a cluster the file's)",
      "  --bridge-host addr         address the bridge binds to (default 127.0.0.1; in a cluster the file's host)",
      "  --bridge-tls-port N        port of the TLS bridge (its certificates: bridgeTls in --config)",
      "  --zk-port N                ZooKeeper client port (default 2181; 0: any free port; -1: none)",
      "  --admin-port N             HTTP admin port: metrics, health, the admin page (default bridge port + 1000; -1: none)",
      "  --durability mode          group (default), always or none",
      "  --address name             event-bus address of the commands (default baton)",
      "  --cluster file --node-id N  run as member N of the cluster the file describes",
      "  -h, --help                 this text",
      "java -XX:ArchiveClassesAtExit=baton-server.jsa -jar baton-server.jar " + CdsTraining.COMMAND
          + "   writes the class archive a node starts faster with",
      "  (java -XX:SharedArchiveFile=baton-server.jsa -jar baton-server.jar ...; the build makes one beside the jar)");

  /** The configuration the flags give, or null for {@code --help}; IllegalArgumentException for a bad flag. */
  static JsonObject parse(String[] args) throws IOException {
    JsonObject config = new JsonObject();
    Integer tlsPort = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--config" -> config = configFile(require(a, value)).mergeIn(config);
        case "--data-dir" -> config.put("dataDir", require(a, value));
        case "--bridge-port" -> config.put("bridgePort", number(a, value));
        case "--bridge-host" -> config.put("bridgeHost", require(a, value));
        case "--bridge-tls-port" -> tlsPort = number(a, value);
        case "--zk-port" -> config.put("zkPort", number(a, value));
        case "--admin-port" -> config.put(AdminListener.PORT, number(a, value));
        case "--durability" -> config.put("durability", require(a, value));
        case "--address" -> config.put("address", require(a, value));
        case "--cluster" -> config.put("cluster", require(a, value));
        case "--node-id" -> config.put("nodeId", number(a, value));
        case "-h", "--help" -> {
          return null;
        }
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
      i++;
    }
    if (tlsPort != null) {
      config.put(BridgeListeners.TLS_KEY, config.getJsonObject(BridgeListeners.TLS_KEY, new JsonObject()).copy().put("port", tlsPort));
    }
    if (config.containsKey("cluster")) {
      if (!config.containsKey("nodeId")) {
        throw new IllegalArgumentException("--cluster needs --node-id");
      }
      int id = config.getInteger("nodeId");
      ClusterConfig.Member me = ClusterConfig.read(Path.of(config.getString("cluster"))).member(id);
      config.put("dataDir", config.getString("dataDir", "data-" + id));
      config.put("bridgePort", config.getInteger("bridgePort", me.clientPort()));
      config.put("bridgeHost", config.getString("bridgeHost", me.host()));
      if (!config.containsKey("zkPort") && me.zkPort() > 0) {
        config.put("zkPort", me.zkPort()); // the file's fourth field
      }
    }
    if (!config.containsKey("cluster")) {
      config.put("zkPort", config.getInteger("zkPort", DEFAULT_ZK_PORT));
    }
    config.put("dataDir", config.getString("dataDir", "data"));
    config.put("bridgeHost", config.getString("bridgeHost", "127.0.0.1"));
    config.put("address", config.getString("address", Protocol.DEFAULT_ADDRESS));
    return config;
  }

  private static JsonObject configFile(String file) {
    String text;
    try {
      text = Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --config " + file + ": " + e);
    }
    try {
      return new JsonObject(text);
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException("--config " + file + " is not a JSON object: " + e.getMessage());
    }
  }

  private static int number(String flag, String value) {
    try {
      return Integer.parseInt(require(flag, value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, was '" + value + "'");
    }
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
