package io.baton.core.server;

import io.baton.core.tree.DataTree;
import io.baton.core.tree.EphemeralOwner;
import io.baton.core.tree.Znode;
import io.baton.schemas.log.DeleteCause;
import java.util.NavigableSet;
import java.util.function.BiConsumer;

/**
 * Finds the emptied containers and the expired TTL nodes the ordering node deletes: each tick checks
 * at most {@link #BATCH} of each kind, going on where the previous tick stopped and wrapping around,
 * so a tick costs the batch, not the number of such nodes (a full pass takes proportionally more
 * ticks). Owner thread only.
 */
final class Reaper {
  /** Containers (and TTL nodes) checked per tick, at most. */
  static final int BATCH = 1_000;

  private final DataTree tree;
  private String containerCursor = "";
  private String ttlCursor = "";

  Reaper(DataTree tree) {
    this.tree = tree;
  }

  /** Hands each node that is due at {@code now} to {@code reap} (path, cause). */
  void tick(long now, BiConsumer<String, DeleteCause> reap) {
    containerCursor = some(tree.containers(), containerCursor, DeleteCause.CONTAINER, now, reap);
    ttlCursor = some(tree.ttlNodes(), ttlCursor, DeleteCause.TTL, now, reap);
  }

  private String some(NavigableSet<String> nodes, String cursor, DeleteCause cause, long now,
                      BiConsumer<String, DeleteCause> reap) {
    String path = cursor;
    int batch = Math.min(BATCH, nodes.size());
    for (int checked = 0; checked < batch; ) {
      path = nodes.higher(path);
      if (path == null) {
        path = "";
        if (nodes.isEmpty()) {
          break;
        }
        continue;
      }
      checked++;
      Znode node = tree.get(path);
      boolean due = node != null && node.numChildren() == 0 && (cause == DeleteCause.CONTAINER
          ? node.cversion() > 0
          : now - node.mtime() >= EphemeralOwner.ttlMillis(node.ephemeralOwner()));
      if (due) {
        reap.accept(path, cause);
      }
    }
    return path;
  }
}
