package io.baton.kafka;

import io.baton.admin.AdminFace;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka bridge as its own process, following a standalone Baton node through its TCP bridge:
 * <pre>
 *   java -cp baton-kafka-bridge.jar io.baton.kafka.BridgeMain --config bridge.json
 *        [--bridge-id ID] [--baton-host 127.0.0.1] [--baton-port 7181] [--bootstrap-servers host:9092]
 *        [--admin-port 8191]
 * </pre>
 * Flags override the file. Its admin port (metrics, health; {@code adminPort}, default
 * {@value #DEFAULT_ADMIN_PORT} on {@code adminHost} 127.0.0.1, -1 for none) is the node's admin port
 * with the bridge's own checks. Prints "Kafka bridge ready" once deployed; exits 1 if it cannot start,
 * and 2 if Kafka fenced it (another instance with the same bridge id took over).
 */
public final class BridgeMain {
  /** The standalone bridge's admin port when the configuration names none (given up if taken). */
  public static final int DEFAULT_ADMIN_PORT = 8191;

  private BridgeMain() {
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("chronicle.analytics.disable", "true");
    Logger log = LoggerFactory.getLogger(BridgeMain.class);
    JsonObject config;
    try {
      config = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (config == null) {
      System.out.println(USAGE);
      return;
    }
    // with an admin port, Vert.x's own meters (its connections to Baton) join the bridge's on /metrics
    Vertx vertx = config.getValue("adminPort") instanceof Number p && p.intValue() == -1 ? Vertx.vertx()
        : AdminFace.vertxWithMetrics(new VertxOptions());
    KafkaBridgeVerticle verticle = new KafkaBridgeVerticle().withDefaultAdminPort(DEFAULT_ADMIN_PORT);
    CountDownLatch stopped = new CountDownLatch(1);
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .onSuccess(id -> System.out.println("Kafka bridge ready: id '" + config.getString("bridgeId", "baton-bridge")
            + "', Baton " + config.getJsonObject("baton").getString("host") + ":"
            + config.getJsonObject("baton").getInteger("port")
            + (verticle.adminPort() < 0 ? "" : ", admin port " + verticle.adminPort())))
        .onFailure(t -> {
          if (t instanceof IllegalArgumentException badConfig) {
            log.error("Kafka bridge failed to start: {}", badConfig.getMessage());
          } else {
            log.error("Kafka bridge failed to start", t);
          }
          vertx.close().onComplete(v -> System.exit(1));
        });
    vertx.setPeriodic(1_000, t -> {
      if (verticle.bridge() != null && verticle.bridge().state() == KafkaBridge.State.FENCED) {
        log.error("fenced by another instance with the same bridge id; exiting");
        vertx.close().onComplete(v -> System.exit(2));
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get();
      } catch (Exception ignored) {
        // exiting anyway
      }
      stopped.countDown();
    }, "bridge-shutdown"));
    stopped.await();
  }

  static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar baton-kafka-bridge.jar [options]",
      "  --config bridge.json        the bridge's configuration (every key: README.md, Kafka bridge)",
      "  --bridge-id ID              names the checkpoint and the transactional ids",
      "  --baton-host H              the Baton node's bridge host (default 127.0.0.1)",
      "  --baton-port N              its port (default 7181)",
      "  --bootstrap-servers B       Kafka's bootstrap servers (producer.bootstrap.servers)",
      "  --admin-port N              metrics and health over HTTP (adminPort; default " + DEFAULT_ADMIN_PORT
          + ", -1 none, 0 any)",
      "  -h, --help                  this text");

  private static JsonObject configFile(String file) {
    try {
      return new JsonObject(Files.readString(Path.of(file)));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read --config " + file + ": " + e);
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException("--config " + file + " is not a JSON object: " + e.getMessage());
    }
  }

  private static int port(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, was '" + value + "'");
    }
  }

  /** The configuration the flags give, or null for {@code --help}; IllegalArgumentException for a bad flag. */
  static JsonObject parse(String[] args) {
    JsonObject config = new JsonObject();
    JsonObject over = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (a.equals("-h") || a.equals("--help")) {
        return null;
      }
      if (value == null) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      switch (a) {
        case "--config" -> config = configFile(value);
        case "--bridge-id" -> over.put("bridgeId", value);
        case "--baton-host" -> over.put("batonHost", value);
        case "--baton-port" -> over.put("batonPort", port(a, value));
        case "--admin-port" -> over.put("adminPort", port(a, value));
        case "--bootstrap-servers" -> over.put("bootstrap", value);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
      i++;
    }
    if (over.containsKey("bridgeId")) {
      config.put("bridgeId", over.getString("bridgeId"));
    }
    if (over.containsKey("adminPort")) {
      config.put("adminPort", over.getInteger("adminPort"));
    }
    JsonObject baton = config.getJsonObject("baton", new JsonObject());
    baton.put("host", over.getString("batonHost", baton.getString("host", "127.0.0.1")));
    baton.put("port", over.getInteger("batonPort", baton.getInteger("port", 7181)));
    config.put("baton", baton);
    JsonObject producer = config.getJsonObject("producer", new JsonObject());
    if (over.containsKey("bootstrap")) {
      producer.put("bootstrap.servers", over.getString("bootstrap"));
    }
    config.put("producer", producer);
    return config;
  }
}
