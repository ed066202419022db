package io.baton.core.server;

import io.baton.core.acl.Acl;
import io.baton.core.acl.AclCheck;
import io.baton.core.acl.NodeAcl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Caller;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.core.quota.QuotaIndex;
import io.baton.core.quota.Quotas;
import io.baton.core.tree.Children;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.PathValidator;
import io.baton.core.tree.Paths;
import io.baton.core.tree.Stat;
import io.baton.core.tree.Znode;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.EventType;
import io.baton.core.watch.SetWatches;
import io.baton.core.watch.WatchEvent;
import io.baton.core.watch.WatchManager;
import io.baton.core.watch.WatchSummary;
import io.baton.core.watch.WatcherType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The reads of applied state and the watches they set, with ZooKeeper's rules ({@link Coordinator#reads()}).
 * A read whose reply would pass {@code maxReplyBytes} is refused with TooLarge before the reply is built
 * (and before any watch is set). Owner thread only; a face runs a client's read through
 * {@link Coordinator#read}, which orders it after the session's writes.
 */
public final class Reads {
  /** A reply's stat, field names and framing. */
  private static final int REPLY_OVERHEAD = 512;
  /** Quotes and separator around each name in a reply's list. */
  private static final int REPLY_BYTES_PER_NAME = 3;

  private final DataTree tree;
  private final WatchManager watches;
  private final Limits limits;
  private final LongSupplier lastApplied;

  Reads(DataTree tree, WatchManager watches, Limits limits, LongSupplier lastApplied) {
    this.tree = tree;
    this.watches = watches;
    this.limits = limits;
    this.lastApplied = lastApplied;
  }

  /**
   * NoAuth unless the ACL of the node at {@code path} grants one of {@code perms} to {@code caller}
   * (a missing node passes: the read itself answers NoNode). Faces call it before a client's read.
   */
  public void checkPermission(Caller caller, String path, int perms) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node != null) {
      AclCheck.require(tree.acl(node), perms, caller, path);
    }
  }

  /**
   * Whether {@code caller} may see a change of {@code path} in a change stream: READ on the node as it
   * is now, or, for a node gone, on its nearest existing ancestor. ACLs are those of the moment of
   * delivery, not of the change (a stream reading history applies today's ACLs).
   */
  public boolean mayRead(Caller caller, String path) {
    if (caller.superUser()) {
      return true;
    }
    String p = path;
    Znode node = tree.get(p);
    while (node == null && p.length() > 1) {
      p = Paths.parent(p);
      node = tree.get(p);
    }
    return node == null || AclCheck.permits(tree.acl(node), Perms.READ, caller);
  }

  /**
   * A node's ACL as {@code caller} may see it: whole with ADMIN on the node (or super), else with each
   * digest's hash masked ({@code digest:alice:x}), as ZooKeeper's getACL answers.
   */
  public NodeAcl getAcl(String path, Caller caller) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node == null) {
      throw BatonException.noNode(path);
    }
    List<Acl> acl = tree.acl(node);
    if (caller.superUser() || acl.isEmpty() || AclCheck.permits(acl, Perms.ADMIN, caller)) {
      return new NodeAcl(acl, node.stat());
    }
    List<Acl> masked = new ArrayList<>(acl.size());
    for (Acl a : acl) {
      masked.add(!a.id().scheme().equals("digest") ? a
          : new Acl(a.perms(), new Identity("digest", a.id().id().replaceAll(":.*", ":x"))));
    }
    return new NodeAcl(masked, node.stat());
  }

  /** Data and stat of a node; with {@code watch}, a one-shot data watch (only if it exists). */
  public NodeData getData(long sessionId, String path, boolean watch) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node == null) {
      throw BatonException.noNode(path);
    }
    checkReply(path + ": data of " + node.dataLength() + " bytes", 4L * ((node.dataLength() + 2) / 3));
    if (watch) {
      watches.addDataWatch(path, requireWatcher(sessionId));
    }
    String quoted = Quotas.statsPathOf(path);
    QuotaIndex.Quota quota = quoted == null ? null : tree.quotas().get(quoted);
    if (quota != null) { // ZooKeeper's zookeeper_stats: the quota's current usage
      byte[] usage = quota.stats().getBytes(StandardCharsets.UTF_8);
      Stat s = node.stat();
      return new NodeData(usage, new Stat(s.czxid(), s.mzxid(), s.ctime(), s.mtime(), s.version(), s.cversion(),
          s.aversion(), s.ephemeralOwner(), usage.length, s.numChildren(), s.pzxid()));
    }
    return new NodeData(node.data(), node.stat());
  }

  /** Stat of a node or null; with {@code watch}, a one-shot data watch whether or not it exists. */
  public Stat exists(long sessionId, String path, boolean watch) {
    Znode node = tree.get(PathValidator.validate(path));
    if (watch) {
      watches.addDataWatch(path, requireWatcher(sessionId));
    }
    return node == null ? null : node.stat();
  }

  /** Sorted child names and stat; with {@code watch}, a one-shot child watch (only if it exists). */
  public Children getChildren(long sessionId, String path, boolean watch) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node == null) {
      throw BatonException.noNode(path);
    }
    checkReply(path + " has " + node.numChildren() + " children; their names",
        node.childNameBytes() + (long) REPLY_BYTES_PER_NAME * node.numChildren());
    if (watch) {
      watches.addChildWatch(path, requireWatcher(sessionId));
    }
    List<String> names = node.childNames();
    Collections.sort(names);
    return new Children(names, node.stat());
  }

  /**
   * The session's ephemerals whose path starts with {@code prefix} as a string ({@code /a} also finds
   * {@code /ab}), as ZooKeeper's getEphemerals; the prefix must be a valid path, as ZooKeeper's client
   * makes it.
   */
  public List<String> getEphemerals(long sessionId, String prefix) {
    PathValidator.validate(prefix);
    List<String> out = new ArrayList<>();
    long bytes = 0;
    for (String p : tree.ephemerals(requireWatcher(sessionId))) {
      if (p.startsWith(prefix)) {
        out.add(p);
        bytes += p.length() + REPLY_BYTES_PER_NAME;
        checkReply("the session's ephemerals under " + prefix, bytes);
      }
    }
    return out;
  }

  /** Adds a persistent or persistent-recursive watch for the session. */
  public void addWatch(long sessionId, String path, AddWatchMode mode) {
    watches.addWatch(PathValidator.validate(path), mode, requireWatcher(sessionId));
  }

  /** Removes the session's watches of a type on a path; NoWatcher if there were none. */
  public List<WatchEvent> removeWatches(long sessionId, String path, WatcherType type) {
    List<WatchEvent> removed = watches.remove(PathValidator.validate(path), type, requireWatcher(sessionId),
        lastApplied.getAsLong());
    if (removed.isEmpty()) {
      throw new BatonException(ErrorCode.NO_WATCHER, "no " + type.name().toLowerCase() + " watch on " + path);
    }
    return removed;
  }

  /** NoWatcher unless the session holds a watch of {@code type} on {@code path} (ZooKeeper's checkWatches). */
  public void checkWatches(long sessionId, String path, WatcherType type) {
    if (!watches.contains(PathValidator.validate(path), type, requireWatcher(sessionId))) {
      throw new BatonException(ErrorCode.NO_WATCHER, "no " + type.name().toLowerCase() + " watch on " + path);
    }
  }

  /**
   * Sets again the watches a client held before it reconnected, as ZooKeeper's
   * {@code DataTree.setWatches}: returns the events it missed since {@code set.relativeZxid()}
   * (their watches are consumed) and registers the others. Paths {@code caller} may not read are skipped.
   */
  public List<WatchEvent> setWatches(long sessionId, Caller caller, SetWatches set) {
    requireWatcher(sessionId);
    long relative = set.relativeZxid();
    List<WatchEvent> missed = new ArrayList<>();
    for (String path : set.data()) {
      Znode node = tree.get(PathValidator.validate(path));
      if (node == null) {
        missed.add(new WatchEvent(EventType.NodeDeleted, path, WatchEvent.NO_ZXID));
      } else if (mayRead(node, caller) && node.stat().mzxid() > relative) {
        missed.add(new WatchEvent(EventType.NodeDataChanged, path, WatchEvent.NO_ZXID));
      } else if (mayRead(node, caller)) {
        watches.addDataWatch(path, sessionId);
      }
    }
    for (String path : set.exist()) {
      Znode node = tree.get(PathValidator.validate(path));
      if (node == null) {
        watches.addDataWatch(path, sessionId);
      } else if (mayRead(node, caller)) {
        missed.add(new WatchEvent(EventType.NodeCreated, path, WatchEvent.NO_ZXID));
      }
    }
    for (String path : set.child()) {
      Znode node = tree.get(PathValidator.validate(path));
      if (node == null) {
        missed.add(new WatchEvent(EventType.NodeDeleted, path, WatchEvent.NO_ZXID));
      } else if (mayRead(node, caller) && node.stat().pzxid() > relative) {
        missed.add(new WatchEvent(EventType.NodeChildrenChanged, path, WatchEvent.NO_ZXID));
      } else if (mayRead(node, caller)) {
        watches.addChildWatch(path, sessionId);
      }
    }
    for (String path : set.persistent()) {
      Znode node = tree.get(PathValidator.validate(path));
      if (node == null || mayRead(node, caller)) {
        watches.addWatch(path, AddWatchMode.PERSISTENT, sessionId);
      }
    }
    for (String path : set.persistentRecursive()) {
      Znode node = tree.get(PathValidator.validate(path));
      if (node == null || mayRead(node, caller)) {
        watches.addWatch(path, AddWatchMode.PERSISTENT_RECURSIVE, sessionId);
      }
    }
    return missed;
  }

  /**
   * Drops every watch of a session whose client connection is gone while the session lives on: its
   * client sets them again with {@link #setWatches} when it reconnects (ZooKeeper's watches belong to
   * a connection).
   */
  public void dropWatches(long sessionId) {
    watches.removeSession(sessionId);
  }

  /** Number of (path, session) watch registrations. */
  public int watchCount() {
    return watches.size();
  }

  /** Sessions holding watches, watched paths and watch registrations. */
  public WatchSummary watchSummary() {
    return watches.summary();
  }

  private boolean mayRead(Znode node, Caller caller) {
    List<Acl> acl = tree.acl(node);
    return caller.superUser() || acl.isEmpty() || AclCheck.permits(acl, Perms.READ, caller);
  }

  /** Number of nodes below {@code path}, at any depth (ZooKeeper's getAllChildrenNumber); NoNode if missing. */
  public long descendantCount(String path) {
    Znode node = tree.get(PathValidator.validate(path));
    if (node == null) {
      throw BatonException.noNode(path);
    }
    return tree.descendantCount(node);
  }

  /** Refuses with TooLarge a reply of about {@code bytes} (plus the stat and framing) past maxReplyBytes. */
  private void checkReply(String what, long bytes) {
    long estimate = bytes + REPLY_OVERHEAD;
    if (estimate > limits.maxReplyBytes()) {
      throw new BatonException(ErrorCode.TOO_LARGE, what + " would make a reply of about " + estimate
          + " bytes, over maxReplyBytes " + limits.maxReplyBytes());
    }
  }

  private static long requireWatcher(long sessionId) {
    if (sessionId == 0) {
      throw BatonException.badArguments("watches and ephemerals need a session");
    }
    return sessionId;
  }
}
