package io.baton.vertx.spi.cluster;

import io.vertx.core.spi.cluster.NodeListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A {@link BatonClusterManager} that records each {@code nodeLeft} it reports, with the
 * {@link System#nanoTime()} it was reported at, then passes it on to Vert.x's listener if Vert.x set one
 * (Vert.x 5 sets one only with HA enabled).
 */
class RecordingClusterManager extends BatonClusterManager {
  private final Map<String, Long> left = new ConcurrentHashMap<>();
  private final Consumer<String> onLeft;

  RecordingClusterManager(BatonClusterOptions options) {
    this(options, id -> { });
  }

  RecordingClusterManager(BatonClusterOptions options, Consumer<String> onLeft) {
    super(options);
    this.onLeft = onLeft;
    nodeListener(null);
  }

  /** Nodes this one was told left, with when (first time only). */
  Map<String, Long> left() {
    return left;
  }

  @Override
  public void nodeListener(NodeListener vertxListener) {
    super.nodeListener(new NodeListener() {
      @Override
      public void nodeAdded(String nodeId) {
        if (vertxListener != null) {
          vertxListener.nodeAdded(nodeId);
        }
      }

      @Override
      public void nodeLeft(String nodeId) {
        left.putIfAbsent(nodeId, System.nanoTime());
        onLeft.accept(nodeId);
        if (vertxListener != null) {
          vertxListener.nodeLeft(nodeId);
        }
      }
    });
  }
}
