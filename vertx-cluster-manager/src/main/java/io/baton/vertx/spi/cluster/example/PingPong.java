package io.baton.vertx.spi.cluster.example;

import io.baton.vertx.spi.cluster.BatonClusterManager;
import io.baton.vertx.spi.cluster.BatonClusterOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * README's two-process example: {@code pong} joins a Vert.x cluster managed by Baton and answers on the
 * event-bus address {@value #ADDRESS}; {@code ping} joins the same cluster, sends one request there,
 * prints the reply and leaves. Both use the Baton node at {@code 127.0.0.1:7181} unless given another
 * {@code host:port}; the event bus itself listens on 127.0.0.1 (both processes on one machine).
 */
public final class PingPong {
  /** The address {@code pong} consumes. */
  public static final String ADDRESS = "example.ping";

  private PingPong() {
  }

  /** {@code pong|ping [host:port]}. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "baton-cli-logback.xml"); // warnings only, on stderr
    }
    if (args.length < 1 || !List.of("ping", "pong").contains(args[0])) {
      System.err.println("usage: PingPong pong|ping [baton host:port, default 127.0.0.1:7181]");
      System.exit(2);
    }
    String baton = args.length > 1 ? args[1] : "127.0.0.1:7181";
    BatonClusterManager manager = new BatonClusterManager(BatonClusterOptions.defaults().withServers(List.of(baton)));
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(manager)
        .buildClustered().await(60, TimeUnit.SECONDS);
    if (args[0].equals("pong")) {
      vertx.eventBus().<String>consumer(ADDRESS, m -> m.reply("pong from " + manager.getNodeId() + " to " + m.body()))
          .completion().await(30, TimeUnit.SECONDS);
      System.out.println("pong: node " + manager.getNodeId() + " answers on " + ADDRESS);
    } else {
      String reply = request(vertx, "ping from " + manager.getNodeId());
      System.out.println("ping: got '" + reply + "'");
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Sends until a consumer answers (started together, pong may not have registered yet), for up to 30 s. */
  private static String request(Vertx vertx, String body) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Future<String> reply = vertx.eventBus().<String>request(ADDRESS, body).map(m -> m.body());
      try {
        return reply.await(10, TimeUnit.SECONDS);
      } catch (ReplyException e) {
        if (e.failureType() != ReplyFailure.NO_HANDLERS || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }
}
