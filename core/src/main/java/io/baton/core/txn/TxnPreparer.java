package io.baton.core.txn;

import io.baton.core.acl.Acl;
import io.baton.core.acl.AclCheck;
import io.baton.core.acl.AclLists;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Caller;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.core.quota.QuotaLimits;
import io.baton.core.quota.Quotas;
import io.baton.core.session.SessionTable;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.EphemeralOwner;
import io.baton.core.tree.PathValidator;
import io.baton.core.tree.Paths;
import io.baton.core.tree.SystemNodes;
import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateSessionTxn;
import io.baton.schemas.log.AclEntry;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteCause;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetACLTxn;
import io.baton.schemas.log.SetDataTxn;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a {@link Command} into a resolved {@link LogEntry} or refuses it with a ZooKeeper error
 * (ZooKeeper's {@code PrepRequestProcessor}). Validation sees the committed tree plus every entry
 * already logged but not yet applied, so only applicable transactions enter the log: sequential
 * names, parent cversions, session ids and the ephemerals a closing session removes are all fixed
 * here, and applying an entry is a pure function of the entry and the state.
 *
 * <p>Sizes are bounded by {@link Limits} before anything is logged: path bytes (the sequential
 * suffix included), data bytes, operations per multi, path and data bytes of a whole command, and
 * the resolved entry ({@link EntrySize}, {@code createParents} expansion included). A session can
 * always be closed: an ephemeral create is refused when the session's ephemeral paths would no
 * longer fit in the entry that closes it ({@link EntrySize#closeBudget}).
 */
public final class TxnPreparer {
  private final DataTree tree;
  private final SessionTable sessions;
  private final PendingChanges pending;
  private final Limits limits;
  private final int minSessionTimeoutMs;
  private final int maxSessionTimeoutMs;
  /** Ephemeral path bytes (as counted by {@link EntrySize#ephemeral}) created by unapplied entries, per session. */
  private final Map<Long, Long> pendingEphemeralBytes = new HashMap<>();
  /** {zxid, session, bytes} of those creates, in log order. */
  private final QuotaCharges quotas;
  private final ArrayDeque<long[]> pendingEphemerals = new ArrayDeque<>();
  private long lastSessionId;

  public TxnPreparer(DataTree tree, SessionTable sessions, Limits limits, int minSessionTimeoutMs,
                     int maxSessionTimeoutMs, long sessionIdSeed) {
    this.tree = tree;
    this.sessions = sessions;
    this.limits = limits;
    this.minSessionTimeoutMs = minSessionTimeoutMs;
    this.maxSessionTimeoutMs = maxSessionTimeoutMs;
    this.pending = new PendingChanges(tree, sessions);
    this.quotas = new QuotaCharges(tree);
    this.lastSessionId = sessionIdSeed - 1;
  }

  /** Whether a session is open once every logged entry is applied. */
  public boolean isSessionOpen(long sessionId) {
    return pending.isSessionOpen(sessionId);
  }

  /** Called after the entry with {@code zxid} (and all before it) has been applied. */
  public void applied(long zxid) {
    pending.retire(zxid);
    quotas.applied(zxid);
    while (!pendingEphemerals.isEmpty() && pendingEphemerals.peekFirst()[0] <= zxid) {
      long[] e = pendingEphemerals.pollFirst();
      if (pendingEphemeralBytes.merge(e[1], -e[2], Long::sum) <= 0) {
        pendingEphemeralBytes.remove(e[1]);
      }
    }
  }

  /**
   * Forgets every prepared-but-unapplied entry: they will not be applied through this preparer (a
   * leader that stepped down; whatever of them the cluster commits arrives as applied entries).
   */
  public void discardPending() {
    pending.clear();
    quotas.clear();
    pendingEphemerals.clear();
    pendingEphemeralBytes.clear();
  }

  /** {@link #prepare(long, Command, Caller, long, long)} for Baton's own writes (no ACL applies). */
  public LogEntry prepare(long sessionId, Command command, long zxid, long time) {
    return prepare(sessionId, command, Caller.SYSTEM, zxid, time);
  }

  /**
   * Resolves {@code command} from {@code sessionId} (0 = no session) into the entry {@code zxid},
   * checking each operation against the ACLs the nodes will have by then, for {@code caller}.
   */
  public LogEntry prepare(long sessionId, Command command, Caller caller, long zxid, long time) {
    Layer layer = new Layer(zxid, time, caller);
    Object txn;
    if (command instanceof Op op) {
      requireSession(sessionId);
      List<Object> txns = layer.op(sessionId, op);
      txn = txns.size() == 1 ? txns.get(0) : new MultiTxn(txns);
    } else if (command instanceof Command.Multi multi) {
      requireSession(sessionId);
      if (multi.ops().size() > limits.maxMultiOps()) {
        throw BatonException.badArguments("a multi of " + multi.ops().size() + " operations exceeds maxMultiOps "
            + limits.maxMultiOps());
      }
      txn = layer.multi(sessionId, multi);
    } else if (command instanceof Command.OpenSession open) {
      txn = layer.openSession(open);
    } else if (command instanceof Command.CloseSession close) {
      txn = layer.closeSession(close);
    } else if (command instanceof Command.SetAcl setAcl) {
      requireSession(sessionId);
      txn = layer.setAcl(setAcl);
    } else {
      txn = layer.reap((Command.Reap) command);
    }
    layer.commit();
    return new LogEntry(zxid, time, txn);
  }

  private static final List<Acl> OPEN = List.of(Acl.OPEN);

  /** The log's form of an ACL. */
  static List<AclEntry> entries(List<Acl> acl) {
    List<AclEntry> out = new ArrayList<>(acl.size());
    for (Acl a : acl) {
      out.add(new AclEntry(a.perms(), a.id().scheme(), a.id().id()));
    }
    return out;
  }

  private void requireSession(long sessionId) {
    if (sessionId != 0 && !pending.isSessionOpen(sessionId)) {
      throw new BatonException(ErrorCode.SESSION_EXPIRED, "session 0x" + Long.toHexString(sessionId)
          + " is unknown, closed or expired");
    }
  }

  /** Changes of one command, visible to its later operations, published to {@link #pending} on success. */
  private final class Layer {
    private final long zxid;
    private final long time;
    private final Map<String, ChangeRecord> local = new HashMap<>();
    private final List<ChangeRecord> records = new ArrayList<>();
    private final List<long[]> sessionChanges = new ArrayList<>();
    /** {session, bytes} of the ephemerals this command creates. */
    private final List<long[]> ephemeralsMade = new ArrayList<>();
    /** Path and data bytes of the command so far, and the estimated encoded size of its entry. */
    private long requestBytes;
    private long entryBytes = EntrySize.ENTRY;
    private final Caller caller;
    /** Growth this command adds to each quota, by quota path. */
    private final Map<String, long[]> quotaCharges = new HashMap<>();

    Layer(long zxid, long time, Caller caller) {
      this.zxid = zxid;
      this.time = time;
      this.caller = caller;
    }

    /** NoAuth unless the ACL of {@code node} (at {@code path}) grants {@code perm} to the caller. */
    private void require(ChangeRecord node, int perm, String path) {
      AclCheck.require(node.acl, perm, caller, path);
    }

    /** The ACL to store for a node created or set with {@code given} (empty for open to all). */
    private List<Acl> acl(List<Acl> given) {
      if (given.isEmpty()) {
        return List.of();
      }
      List<Acl> resolved = AclLists.resolve(given, caller);
      return resolved.equals(OPEN) ? List.of() : resolved;
    }

    SetACLTxn setAcl(Command.SetAcl s) {
      String path = path(s.path());
      request(path, null);
      // ZooKeeper's order: the ACL itself (InvalidACL), the node, ADMIN on it, its aversion
      List<Acl> stored = acl(s.acl().isEmpty() ? OPEN : s.acl());
      ChangeRecord node = lookup(path);
      if (node == null) {
        throw BatonException.noNode(path);
      }
      require(node, Perms.ADMIN, path);
      if (s.version() != -1 && node.aversion != s.version()) {
        throw BatonException.badVersion(path, s.version(), node.aversion);
      }
      int aversion = node.aversion + 1;
      put(node.withAcl(zxid, stored, aversion));
      SetACLTxn txn = new SetACLTxn(path, entries(stored), aversion);
      entryBytes += EntrySize.of(txn);
      return txn;
    }

    ChangeRecord lookup(String path) {
      ChangeRecord r = local.get(path);
      if (r != null) {
        return r.exists ? r : null;
      }
      return local.containsKey(path) ? null : pending.lookup(path);
    }

    void put(ChangeRecord r) {
      local.put(r.path, r);
      records.add(r);
    }

    void commit() {
      quotas.prepared(zxid, quotaCharges);
      for (ChangeRecord r : records) {
        pending.add(r);
      }
      for (long[] s : sessionChanges) {
        pending.addSession(s[0], s[1] == 1, zxid);
      }
      for (long[] e : ephemeralsMade) {
        pendingEphemerals.addLast(new long[] {zxid, e[0], e[1]});
        pendingEphemeralBytes.merge(e[0], e[1], Long::sum);
      }
    }

    List<Object> op(long sessionId, Op op) {
      List<Object> txns;
      if (op instanceof Op.Create c) {
        txns = create(sessionId, c);
      } else if (op instanceof Op.Delete d) {
        txns = List.of(delete(d.path(), d.version(), DeleteCause.CLIENT));
      } else if (op instanceof Op.SetData s) {
        txns = List.of(setData(s));
      } else {
        txns = List.of(check((Op.Check) op));
      }
      for (Object txn : txns) {
        entryBytes += EntrySize.of(txn);
      }
      if (entryBytes > limits.maxEntryBytes()) {
        throw tooLarge("the resolved entry would be about " + entryBytes + " bytes, over maxEntryBytes "
            + limits.maxEntryBytes());
      }
      return txns;
    }

    /** Counts an operation's path and data bytes against maxRequestBytes. */
    private void request(String path, byte[] data) {
      requestBytes += Paths.utf8Length(path) + (data == null ? 0 : data.length);
      if (requestBytes > limits.maxRequestBytes()) {
        throw tooLarge("the command's paths and data reach " + requestBytes + " bytes, over maxRequestBytes "
            + limits.maxRequestBytes());
      }
    }

    private String path(String raw) {
      return PathValidator.validate(raw, limits.maxPathBytes(), 0);
    }

    MultiTxn multi(long sessionId, Command.Multi multi) {
      List<Object> txns = new ArrayList<>();
      List<Op> ops = multi.ops();
      for (int i = 0; i < ops.size(); i++) {
        try {
          txns.addAll(op(sessionId, ops.get(i)));
        } catch (BatonException e) {
          List<OpResult> results = new ArrayList<>();
          for (int j = 0; j < ops.size(); j++) {
            if (j < i) {
              results.add(new OpResult.Error(ErrorCode.OK, "rolled back"));
            } else if (j == i) {
              results.add(new OpResult.Error(e.code(), e.getMessage()));
            } else {
              results.add(new OpResult.Error(ErrorCode.RUNTIME_INCONSISTENCY, "not run"));
            }
          }
          throw new MultiFailedException(e, i, results);
        }
      }
      return new MultiTxn(txns);
    }

    List<Object> create(long sessionId, Op.Create c) {
      CreateMode mode = c.mode();
      String path = PathValidator.validate(c.path(), limits.maxPathBytes(), mode.isSequential() ? 10 : 0);
      if (path.equals("/")) {
        throw BatonException.nodeExists("/");
      }
      byte[] data = c.data() == null ? new byte[0] : c.data();
      checkSize(data, path);
      request(path, data);
      long owner = 0;
      if (mode.isEphemeral()) {
        if (sessionId == 0) {
          throw BatonException.badArguments("ephemeral node " + path + " needs a session");
        }
        owner = sessionId;
      } else if (mode.isContainer()) {
        owner = EphemeralOwner.CONTAINER;
      } else if (mode.isTtl()) {
        if (c.ttl() <= 0 || c.ttl() > EphemeralOwner.MAX_TTL) {
          throw BatonException.badArguments("ttl must be in 1.." + EphemeralOwner.MAX_TTL + " ms, was " + c.ttl());
        }
        owner = EphemeralOwner.ttl(c.ttl());
      }
      if (!mode.isTtl() && c.ttl() > 0) {
        throw BatonException.badArguments("ttl is only allowed with a TTL create mode");
      }
      List<Acl> acl = acl(c.acl());
      List<Object> txns = new ArrayList<>();
      String parentPath = Paths.parent(path);
      ChangeRecord parent = lookup(parentPath);
      if (parent == null) {
        if (!c.createParents()) {
          throw BatonException.noNode(parentPath);
        }
        createParents(parentPath, acl, txns);
        parent = lookup(parentPath);
      }
      // ZooKeeper's order: CREATE on the parent, the name, NodeExists, then an ephemeral parent
      require(parent, Perms.CREATE, parentPath);
      String finalPath = mode.isSequential() ? path + String.format("%010d", parent.cversion) : path;
      if (lookup(finalPath) != null) {
        throw BatonException.nodeExists(finalPath);
      }
      if (EphemeralOwner.isSession(parent.ephemeralOwner)) {
        throw new BatonException(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS, parentPath + " is ephemeral");
      }
      if (EphemeralOwner.isSession(owner)) {
        reserveEphemeral(owner, finalPath);
      }
      txns.add(createNode(finalPath, data, owner, parent, acl));
      return txns;
    }

    /**
     * Creates the missing ancestors of {@code path} (which is missing), top-down, without recursion.
     * Their estimated entry size is counted while walking up, so a very deep path is refused after a
     * bounded number of lookups.
     */
    private void createParents(String path, List<Acl> acl, List<Object> txns) {
      List<String> missing = new ArrayList<>();
      long bytes = entryBytes;
      String p = path;
      while (true) {
        missing.add(p);
        bytes += EntrySize.TXN + Paths.utf8Length(p);
        if (bytes > limits.maxEntryBytes()) {
          throw tooLarge("creating the parents of " + abbreviate(path) + " would make an entry of over "
              + limits.maxEntryBytes() + " bytes (maxEntryBytes)");
        }
        p = Paths.parent(p);
        if (lookup(p) != null) {
          break;
        }
      }
      for (int i = missing.size() - 1; i >= 0; i--) {
        String made = missing.get(i);
        String parentPath = Paths.parent(made);
        ChangeRecord parent = lookup(parentPath);
        if (EphemeralOwner.isSession(parent.ephemeralOwner)) {
          throw new BatonException(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS, parentPath + " is ephemeral");
        }
        require(parent, Perms.CREATE, parentPath);
        txns.add(createNode(made, new byte[0], 0, parent, acl));
      }
    }

    /**
     * Counts an ephemeral against what its session's close entry can carry; refuses the create if the
     * session's ephemeral paths (applied, pending and made by this command) would no longer fit.
     */
    private void reserveEphemeral(long session, String path) {
      long cost = EntrySize.ephemeral(path);
      long made = 0;
      for (long[] e : ephemeralsMade) {
        made += e[0] == session ? e[1] : 0;
      }
      long held = EntrySize.ephemerals(tree.ephemerals(session).size(), tree.ephemeralBytes(session))
          + pendingEphemeralBytes.getOrDefault(session, 0L) + made;
      long budget = EntrySize.closeBudget(limits);
      if (held + cost > budget) {
        throw tooLarge("session 0x" + Long.toHexString(session) + " holds ephemerals of " + held + " bytes; "
            + "another would exceed the " + budget + " bytes its close entry may carry (maxEntryBytes)");
      }
      ephemeralsMade.add(new long[] {session, cost});
    }

    private CreateTxn createNode(String path, byte[] data, long owner, ChangeRecord parent, List<Acl> acl) {
      checkQuotaLimits(path, data);
      quotas.charge(path, 1, data.length, quotaCharges);
      int newCversion = parent.cversion + 1;
      put(parent.withChildren(zxid, newCversion, parent.numChildren + 1));
      put(new ChangeRecord(path, zxid, true, 0, 0, 0, owner, time, acl, 0, data.length));
      return new CreateTxn(path, ByteBuffer.wrap(data), owner, newCversion, entries(acl));
    }

    DeleteTxn delete(String rawPath, int version, DeleteCause cause) {
      String path = path(rawPath);
      request(path, null);
      if (path.equals("/")) {
        throw BatonException.badArguments("the root node cannot be deleted");
      }
      if (SystemNodes.isSystem(path)) {
        throw BatonException.badArguments(path + " is one of ZooKeeper's built-in nodes, which cannot be deleted");
      }
      // ZooKeeper's order: the parent and its DELETE permission first, then the node itself
      String parentPath = Paths.parent(path);
      ChangeRecord parent = lookup(parentPath);
      if (parent == null) {
        throw BatonException.noNode(path);
      }
      require(parent, Perms.DELETE, parentPath);
      ChangeRecord node = lookup(path);
      if (node == null) {
        throw BatonException.noNode(path);
      }
      if (version != -1 && node.version != version) {
        throw BatonException.badVersion(path, version, node.version);
      }
      if (node.numChildren > 0) {
        throw new BatonException(ErrorCode.NOT_EMPTY, path + " has " + node.numChildren + " children");
      }
      removeNode(path);
      return new DeleteTxn(path, cause);
    }

    /** A quota's limits node must hold limits ZooKeeper's format can express. */
    private void checkQuotaLimits(String path, byte[] data) {
      if (Quotas.quotaPathOf(path) != null) {
        QuotaLimits.parse(data);
      }
    }

    private void removeNode(String path) {
      String parentPath = Paths.parent(path);
      ChangeRecord parent = lookup(parentPath);
      put(parent.withChildren(zxid, parent.cversion, parent.numChildren - 1));
      put(ChangeRecord.deleted(path, zxid));
    }

    SetDataTxn setData(Op.SetData s) {
      String path = path(s.path());
      byte[] data = s.data() == null ? new byte[0] : s.data();
      checkSize(data, path);
      request(path, data);
      ChangeRecord node = lookup(path);
      if (node == null) {
        throw BatonException.noNode(path);
      }
      require(node, Perms.WRITE, path);
      if (s.version() != -1 && node.version != s.version()) {
        throw BatonException.badVersion(path, s.version(), node.version);
      }
      int newVersion = node.version + 1;
      checkQuotaLimits(path, data);
      quotas.charge(path, 0, data.length - node.dataLength, quotaCharges);
      put(node.withData(zxid, newVersion, time, data.length));
      return new SetDataTxn(path, ByteBuffer.wrap(data), newVersion);
    }

    CheckTxn check(Op.Check c) {
      String path = path(c.path());
      request(path, null);
      ChangeRecord node = lookup(path);
      if (node == null) {
        throw BatonException.noNode(path);
      }
      require(node, Perms.READ, path);
      if (c.version() != -1 && node.version != c.version()) {
        throw BatonException.badVersion(path, c.version(), node.version);
      }
      return new CheckTxn(path, c.version());
    }

    CreateSessionTxn openSession(Command.OpenSession open) {
      int count = openSessions();
      if (count >= limits.maxSessions()) {
        throw new BatonException(ErrorCode.THROTTLED, count + " sessions are open, the most maxSessions allows");
      }
      int timeout = Math.max(minSessionTimeoutMs, Math.min(maxSessionTimeoutMs, open.requestedTimeoutMs()));
      long id = Math.max(lastSessionId, sessions.highestId()) + 1;
      lastSessionId = id;
      sessionChanges.add(new long[] {id, 1});
      return new CreateSessionTxn(id, timeout);
    }

    CloseSessionTxn closeSession(Command.CloseSession close) {
      long id = close.sessionId();
      if (!pending.isSessionOpen(id)) {
        throw new BatonException(ErrorCode.SESSION_EXPIRED, "session 0x" + Long.toHexString(id) + " is not open");
      }
      TreeSet<String> paths = new TreeSet<>();
      for (String p : tree.ephemerals(id)) {
        ChangeRecord r = pending.pendingRecord(p);
        if (r == null || (r.exists && r.ephemeralOwner == id)) {
          paths.add(p);
        }
      }
      for (ChangeRecord r : pending.pendingRecords()) {
        if (r.exists && r.ephemeralOwner == id) {
          paths.add(r.path);
        }
      }
      for (String p : paths) {
        removeNode(p);
      }
      sessionChanges.add(new long[] {id, 0});
      return new CloseSessionTxn(id, close.reason(), new ArrayList<>(paths));
    }

    DeleteTxn reap(Command.Reap reap) {
      ChangeRecord node = lookup(reap.path());
      if (node == null || node.numChildren > 0) {
        throw BatonException.badArguments(reap.path() + " is not reapable");
      }
      if (reap.cause() == DeleteCause.CONTAINER) {
        if (!EphemeralOwner.isContainer(node.ephemeralOwner) || node.cversion == 0) {
          throw BatonException.badArguments(reap.path() + " is not an emptied container");
        }
      } else if (reap.cause() == DeleteCause.TTL) {
        if (!EphemeralOwner.isTtl(node.ephemeralOwner)
            || time - node.mtime < EphemeralOwner.ttlMillis(node.ephemeralOwner)) {
          throw BatonException.badArguments(reap.path() + " has not expired");
        }
      } else {
        throw BatonException.badArguments("reap cause " + reap.cause());
      }
      return delete(reap.path(), -1, reap.cause());
    }

    private void checkSize(byte[] data, String path) {
      if (data.length > limits.maxDataBytes()) {
        throw tooLarge(abbreviate(path) + ": data of " + data.length + " bytes exceeds maxDataBytes "
            + limits.maxDataBytes());
      }
    }
  }

  /** Sessions open once every logged entry is applied. */
  private int openSessions() {
    return sessions.sessions().size() + pending.sessionCountChange();
  }

  private static BatonException tooLarge(String message) {
    return new BatonException(ErrorCode.TOO_LARGE, message);
  }

  /** A path short enough for a message. */
  static String abbreviate(String path) {
    return path.length() <= 200 ? path : path.substring(0, 200) + "...(" + path.length() + " chars)";
  }
}
