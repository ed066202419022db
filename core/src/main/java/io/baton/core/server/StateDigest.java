package io.baton.core.server;

import io.baton.core.session.SessionTable;
import io.baton.core.tree.DataTree;
import java.util.Map;
import java.util.TreeMap;

/** A fingerprint of applied state, equal on two nodes exactly when their state is equal. */
public record StateDigest(long zxid, long treeDigest, long nodeCount, Map<Long, Integer> sessions) {

  static StateDigest of(DataTree tree, SessionTable sessions, long zxid) {
    return new StateDigest(zxid, tree.digest(), tree.nodeCount(), new TreeMap<>(sessions.sessions()));
  }

  /** Digest of recovered state, for comparing a node with an offline replay. */
  public static StateDigest of(Recovery.Recovered r) {
    return of(r.tree(), r.sessions(), r.lastZxid());
  }
}
