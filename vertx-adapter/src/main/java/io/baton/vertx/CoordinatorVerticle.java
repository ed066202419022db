package io.baton.vertx;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.LogOptions;
import io.baton.core.server.Coordinator;
import io.baton.core.server.CoordinatorConfig;
import io.baton.core.server.CoordinatorListener;
import io.baton.core.server.Durability;
import io.baton.core.recipe.RecipeService;
import io.baton.core.stream.ChangeStreams;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.api.SharedJsonCodec;
import io.baton.vertx.impl.CommandHandler;
import io.baton.vertx.impl.RecipeHandler;
import io.baton.vertx.impl.ContextScheduler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Baton node as a verticle. Recovers its state from {@code dataDir} (off the event loop), then
 * serves Baton's JSON protocol at {@code address} (default {@value Protocol#DEFAULT_ADDRESS}) and
 * sends each session's watch notifications and change-stream records to
 * {@code <address>.session.<id>}. The coordinator is owned by this verticle's context.
 *
 * <p>Configuration keys (all optional): {@code address}, {@code dataDir} ("data"), {@code nodeId} (1),
 * {@code durability} ("group" | "none" | "always"), {@code groupCommitMs} (0), {@code maxDataBytes}
 * (1048576), {@code minSessionTimeoutMs} (2000), {@code maxSessionTimeoutMs} (60000), {@code tickMs}
 * (100), {@code snapshotEveryEntries} (100000), {@code snapshotsRetained} (3), {@code rollCycle}
 * ("FAST_HOURLY").
 */
public class CoordinatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);

  private Coordinator coordinator;
  private MessageConsumer<Object> consumer;
  private String address;

  /** Builds the node configuration from verticle config JSON. */
  public static CoordinatorConfig coordinatorConfig(JsonObject c) {
    CoordinatorConfig d = CoordinatorConfig.defaults(Path.of(c.getString("dataDir", "data")));
    LogOptions log = c.containsKey("rollCycle")
        ? new LogOptions(LogOptions.rollCycle(c.getString("rollCycle")), null) : d.log();
    return new CoordinatorConfig(d.dataDir(), c.getInteger("nodeId", d.nodeId()),
        Durability.parse(c.getString("durability", d.durability().name())),
        c.getInteger("groupCommitMs", d.groupCommitMs()), c.getInteger("maxDataBytes", d.maxDataBytes()),
        c.getInteger("minSessionTimeoutMs", d.minSessionTimeoutMs()),
        c.getInteger("maxSessionTimeoutMs", d.maxSessionTimeoutMs()), c.getInteger("tickMs", d.tickMs()),
        c.getLong("snapshotEveryEntries", d.snapshotEveryEntries()),
        c.getInteger("snapshotsRetained", d.snapshotsRetained()), log);
  }

  @Override
  public Future<?> start() {
    address = config().getString("address", Protocol.DEFAULT_ADDRESS);
    SharedJsonCodec.register(vertx);
    CoordinatorConfig cfg = coordinatorConfig(config());
    ContextScheduler scheduler = new ContextScheduler(vertx, context);
    return vertx.executeBlocking(() -> Coordinator.open(cfg, scheduler)).compose(c -> {
      coordinator = c;
      coordinator.start();
      ChangeStreams streams = new ChangeStreams(coordinator, scheduler);
      RecipeService recipes = new RecipeService(coordinator, scheduler, cfg.tickMs());
      CommandHandler handler = new CommandHandler(vertx, coordinator, streams,
          new RecipeHandler(vertx, recipes, address), address);
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
      return consumer.completion();
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.compose(v -> {
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

  /** The running coordinator (for embedding applications and tests); owned by this verticle's context. */
  public Coordinator coordinator() {
    return coordinator;
  }
}
