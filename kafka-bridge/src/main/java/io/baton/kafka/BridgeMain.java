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
    JsonObject config = parse(args);
    Vertx vertx = Vertx.vertx();
    KafkaBridgeVerticle verticle = new KafkaBridgeVerticle();
    CountDownLatch stopped = new CountDownLatch(1);
    vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config))
        .onSuccess(id -> System.out.println("Kafka bridge ready: id '" + config.getString("bridgeId", "baton-bridge")
            + "', Baton " + config.getJsonObject("baton").getString("host") + ":"
            + config.getJsonObject("baton").getInteger("port")))
        .onFailure(t -> {
          log.error("Kafka bridge failed to start", t);
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

  static JsonObject parse(String[] args) throws Exception {
    JsonObject config = new JsonObject();
    JsonObject over = new JsonObject();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (a.equals("-h") || a.equals("--help")) {
        System.out.println("usage: BridgeMain [--config bridge.json] [--bridge-id ID] [--baton-host H] "
            + "[--baton-port N] [--bootstrap-servers B]");
        System.exit(0);
      }
      if (value == null) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      switch (a) {
        case "--config" -> config = new JsonObject(Files.readString(Path.of(value)));
        case "--bridge-id" -> over.put("bridgeId", value);
        case "--baton-host" -> over.put("batonHost", value);
        case "--baton-port" -> over.put("batonPort", Integer.parseInt(value));
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
