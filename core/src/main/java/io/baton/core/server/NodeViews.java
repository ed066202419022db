package io.baton.core.server;

import io.baton.core.acl.Perms;
import io.baton.core.auth.Caller;
import io.baton.core.error.BatonException;
import io.baton.core.session.SessionTable;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.PathValidator;
import io.baton.core.tree.Znode;
import io.baton.core.view.ChildPage;
import io.baton.core.view.NodePreview;
import io.baton.core.view.NodeStatus;
import io.baton.core.view.SessionInfo;
import io.baton.core.watch.WatchManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bounded, read-only views of a node's state for operators. Reads check the caller's ACLs as a
 * client's reads do; every answer is bounded by its page size or preview length, never by the size
 * of the tree. Owner thread only; the views returned are immutable.
 */
public final class NodeViews {
  private final Coordinator coordinator;
  private final DataTree tree;
  private final SessionTable sessions;
  private final WatchManager watches;

  NodeViews(Coordinator coordinator, DataTree tree, SessionTable sessions, WatchManager watches) {
    this.coordinator = coordinator;
    this.tree = tree;
    this.sessions = sessions;
    this.watches = watches;
  }

  /** The node's counts and state now. */
  public NodeStatus status() {
    return new NodeStatus(coordinator.config().nodeId(), coordinator.lastApplied(), tree.nodeCount(),
        tree.dataBytes(), sessions.sessions().size(), watches.size(), coordinator.outstanding(),
        coordinator.syncFailures(), coordinator.isHalted(), coordinator.isLeading());
  }

  /**
   * At most {@code limit} children of {@code path} from {@code cursor} (0 for the first page); NoNode
   * if it does not exist, NoAuth unless {@code caller} may read it.
   */
  public ChildPage children(Caller caller, String path, int cursor, int limit) {
    Znode node = readable(caller, path);
    List<String> names = new ArrayList<>();
    int next = node.childNames(cursor, Math.max(1, limit), names);
    Collections.sort(names);
    return new ChildPage(path, List.copyOf(names), next, node.stat());
  }

  /** The first {@code maxBytes} of a node's data, its stat and ACL; NoNode, or NoAuth unless {@code caller} may read it. */
  public NodePreview node(Caller caller, String path, int maxBytes) {
    Znode node = readable(caller, path);
    byte[] data = node.data();
    byte[] head = data.length <= maxBytes ? data : Arrays.copyOf(data, Math.max(0, maxBytes));
    return new NodePreview(path, head, node.stat(), List.copyOf(tree.acl(node)));
  }

  /** The open sessions with ids above {@code after}, lowest first, at most {@code limit}. */
  public List<SessionInfo> sessions(long after, int limit) {
    TreeMap<Long, Integer> lowest = new TreeMap<>(Long::compareUnsigned);
    for (Map.Entry<Long, Integer> s : sessions.sessions().entrySet()) {
      if (Long.compareUnsigned(s.getKey(), after) <= 0) {
        continue;
      }
      lowest.put(s.getKey(), s.getValue());
      if (lowest.size() > limit) {
        lowest.pollLastEntry();
      }
    }
    List<SessionInfo> out = new ArrayList<>(lowest.size());
    lowest.forEach((id, timeout) -> out.add(new SessionInfo(id, timeout, tree.ephemerals(id).size(),
        coordinator.auth().clientAddress(id))));
    return List.copyOf(out);
  }

  private Znode readable(Caller caller, String path) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node == null) {
      throw BatonException.noNode(path);
    }
    coordinator.reads().checkPermission(caller, path, Perms.READ);
    return node;
  }
}
