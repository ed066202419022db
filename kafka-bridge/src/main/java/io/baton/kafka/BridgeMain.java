package io.baton.kafka;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
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
 * </pre>
 * Flags override the file. Prints "Kafka bridge ready" once deployed; exits 1 if it cannot start,
 * and 2 if Kafka fenced it (another instance with the same bridge id took over).
 */
public final class BridgeMain {
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
    Vertx vertx = Vertx.vertx();
    KafkaBridgeVerticle verticle = new KafkaBridgeVerticle();
    CountDownLatch stopped = new CountDownLatch(1);
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .onSuccess(id -> System.out.println("Kafka bridge ready: id '" + config.getString("bridgeId", "baton-bridge")
            + "', Baton " + config.getJsonObject("baton").getString("host") + ":"
            + config.getJsonObject("baton").getInteger("port")))
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
      "  --bridge-id ID              names the checkpoint and the transactional id",
      "  --baton-host H              the Baton node's bridge host (default 127.0.0.1)",
      "  --baton-port N              its port (default 7181)",
      "  --bootstrap-servers B       Kafka's bootstrap servers (producer.bootstrap.servers)",
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

  private static int port(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--baton-port must be a number, was '" + value + "'");
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
        case "--baton-port" -> over.put("batonPort", port(value));
        case "--bootstrap-servers" -> over.put("bootstrap", value);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
      i++;
    }
    if (over.containsKey("bridgeId")) {
      config.put("bridgeId", over.getString("bridgeId"));
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
