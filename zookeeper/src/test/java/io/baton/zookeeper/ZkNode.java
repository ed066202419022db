package io.baton.zookeeper;

import io.baton.core.server.Coordinator;
import io.baton.core.server.CoordinatorConfig;
import io.baton.core.server.Durability;
import io.baton.core.server.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * A Baton node in this JVM with its ZooKeeper port on 127.0.0.1 (a free port): the coordinator on a
 * Vert.x context, the port listening from that context, as the launcher does. Clients are the
 * official ZooKeeper client.
 */
final class ZkNode implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final Path dir;
  Coordinator coordinator;
  ZooKeeperPort port;
  int zkPort;

  private ZkNode(Path dir) {
    this.dir = dir;
  }

  static ZkNode start(Path dir) throws Exception {
    return start(dir, c -> c);
  }

  /** A node on {@code dir} with the defaults changed by {@code config} (durability none unless set). */
  static ZkNode start(Path dir, UnaryOperator<CoordinatorConfig> config) throws Exception {
    return start(dir, config, ZooKeeperPortOptions.defaults());
  }

  /** A node as {@link #start(Path, UnaryOperator)} whose ZooKeeper port has {@code options}. */
  static ZkNode start(Path dir, UnaryOperator<CoordinatorConfig> config, ZooKeeperPortOptions options)
      throws Exception {
    return start(dir, config, options, 0);
  }

  /**
   * Closes this node and starts it again on its data directory and ZooKeeper port, as a restart
   * does: its clients reconnect to the same address and resume their sessions.
   */
  ZkNode restart() throws Exception {
    close();
    return start(dir, c -> c, ZooKeeperPortOptions.defaults(), zkPort);
  }

  private static ZkNode start(Path dir, UnaryOperator<CoordinatorConfig> config, ZooKeeperPortOptions options,
                              int port) throws Exception {
    ZkNode node = new ZkNode(dir);
    CoordinatorConfig cfg = config.apply(CoordinatorConfig.defaults(dir).withDurability(Durability.NONE));
    node.coordinator = Coordinator.open(cfg, node.new ContextScheduler());
    node.zkPort = node.onOwner(() -> {
      node.coordinator.start();
      node.port = new ZooKeeperPort(node.vertx, node.coordinator, options);
      return node.port.listen(port, "127.0.0.1");
    });
    return node;
  }

  /** Runs {@code task} on the owner's context and waits for the future it returns. */
  <T> T onOwner(Callable<Future<T>> task) throws Exception {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        task.call().onComplete(p);
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return p.future().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on the owner's context and returns its value. */
  <T> T call(Callable<T> task) throws Exception {
    return onOwner(() -> Future.succeededFuture(task.call()));
  }

  String connectString() {
    return "127.0.0.1:" + zkPort;
  }

  /** An official ZooKeeper client connected to this node (waits for SyncConnected). */
  ZooKeeper client(int sessionTimeoutMs, Watcher watcher) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(connectString(), sessionTimeoutMs, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected && e.getType() == Watcher.Event.EventType.None) {
        connected.countDown();
      }
      if (watcher != null) {
        watcher.process(e);
      }
    });
    if (!connected.await(15, TimeUnit.SECONDS)) {
      zk.close();
      throw new AssertionError("the ZooKeeper client did not connect within 15 s");
    }
    return zk;
  }

  ZooKeeper client() throws Exception {
    return client(10_000, null);
  }

  @Override
  public void close() throws Exception {
    try {
      onOwner(() -> port == null ? Future.succeededFuture() : port.close());
      call(() -> {
        coordinator.close();
        return null;
      });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
  }

  /** Runs the coordinator on this node's context: owner = the context, blocking work = the worker pool. */
  private final class ContextScheduler implements Scheduler {
    @Override
    public void runOnOwner(Runnable task) {
      context.runOnContext(v -> task.run());
    }

    @Override
    public void runBlocking(Runnable task) {
      context.executeBlocking(() -> {
        task.run();
        return null;
      }, false);
    }

    @Override
    public AutoCloseable periodic(long periodMs, Runnable task) {
      long[] id = new long[1];
      context.runOnContext(v -> id[0] = vertx.setPeriodic(periodMs, t -> task.run()));
      return () -> context.runOnContext(v -> vertx.cancelTimer(id[0]));
    }

    @Override
    public long now() {
      return System.currentTimeMillis();
    }
  }
}
