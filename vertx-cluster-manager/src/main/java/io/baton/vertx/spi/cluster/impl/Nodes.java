package io.baton.vertx.spi.cluster.impl;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;

/** Small tree operations shared by the parts of the cluster manager. */
final class Nodes {
  private Nodes() {
  }

  /** Creates a persistent node and its parents unless it exists. */
  static Future<Void> ensure(CoordinationClient c, String path) {
    return c.create(path, new byte[0], CreateMode.PERSISTENT, 0, true).<Void>mapEmpty()
        .recover(t -> Errors.is(t, ErrorCode.NODE_EXISTS) ? Future.succeededFuture() : Future.failedFuture(t));
  }
}
