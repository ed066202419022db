package io.baton.vertx.spi.cluster.impl;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

  /** Queues {@code call} after every call queued before. */
  public void notify(String what, Runnable call) {
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
   * Drops what is queued and stops, without waiting for a call under way (it may be waiting on the Baton
   * client, whose event loop is the caller's).
   */
  public void close() {
    closed = true;
    executor.shutdown();
  }
}
