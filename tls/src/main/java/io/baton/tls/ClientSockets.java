package io.baton.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/** Socket plumbing shared by a node's client listeners (the bridge and the ZooKeeper port). */
public final class ClientSockets {
  private static final String FLUSH_CONSOLIDATION = "baton-flush-consolidation";

  private ClientSockets() {
  }

  /**
   * Replies reach a connection one at a time, as their writes commit, and each would be flushed (one
   * write syscall) on its own; a {@link FlushConsolidationHandler} flushes once after the replies queued on
   * the connection's event loop have been written. A socket that is not Vert.x's own is left as it is.
   */
  public static void consolidateFlushes(NetSocket socket) {
    if (socket instanceof NetSocketInternal internal) {
      ChannelHandlerContext vertxHandler = internal.channelHandlerContext();
      ChannelPipeline pipeline = vertxHandler.pipeline();
      if (pipeline.context(FLUSH_CONSOLIDATION) == null && !vertxHandler.isRemoved()) {
        pipeline.addBefore(vertxHandler.name(), FLUSH_CONSOLIDATION,
            new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
      }
    }
  }
}
