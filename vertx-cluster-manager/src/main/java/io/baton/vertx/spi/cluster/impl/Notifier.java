package io.baton.vertx.spi.cluster.impl;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls Vert.x's node and registration listeners one at a time, in the order of the changes, on a thread
 * of their own: Vert.x may block in them (its HA manager reads the cluster's sync map when a node leaves),
 * which must never stall the Baton client's event loop.
 */
public final class Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  private volatile boolean closed;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "baton-cluster-events");
    t.setDaemon(true);
    return t;
  });

  /** Queues {@code call} after every call queued before; dropped once closed. */
  public synchronized void notify(String what, Runnable call) {
    if (closed) {
      return;
    }
    executor.execute(() -> {
      if (closed) {
        return;     // this node has left: Vert.x is told nothing more
      }
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.warn("Vert.x listener failed on {}", what, e);
      }
    });
  }

  /**
   * Drops what is queued and stops. Completes, without blocking, once the call under way (if any) has
   * returned, or after {@code waitMs} at most: until then the node keeps its session, so a listener at
   * work (Vert.x HA finishing a failover with the sync map) is not cut off halfway.
   */
  public synchronized CompletionStage<Void> close(long waitMs) {
    closed = true;
    CompletableFuture<Void> idle = new CompletableFuture<>();
    executor.execute(() -> idle.complete(null));
    executor.shutdown();
    return idle.completeOnTimeout(null, waitMs, TimeUnit.MILLISECONDS);
  }
}
