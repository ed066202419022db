package io.baton.core.txn;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.session.SessionTable;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.EphemeralOwner;
import io.baton.core.tree.PathValidator;
import io.baton.core.tree.Paths;
import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateSessionTxn;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteCause;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetDataTxn;
import java.nio.ByteBuffer;
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
 */
public final class TxnPreparer {
  private final DataTree tree;
  private final SessionTable sessions;
  private final PendingChanges pending;
  private final Limits limits;
  private long lastSessionId;

  /** Bounds enforced on requests. */
  public record Limits(int maxDataBytes, int minSessionTimeoutMs, int maxSessionTimeoutMs) {
  }

  public TxnPreparer(DataTree tree, SessionTable sessions, Limits limits, long sessionIdSeed) {
    this.tree = tree;
    this.sessions = sessions;
    this.limits = limits;
    this.pending = new PendingChanges(tree, sessions);
    this.lastSessionId = sessionIdSeed - 1;
  }

  /** Whether a session is open once every logged entry is applied. */
  public boolean isSessionOpen(long sessionId) {
    return pending.isSessionOpen(sessionId);
  }

  /** Called after the entry with {@code zxid} (and all before it) has been applied. */
  public void applied(long zxid) {
    pending.retire(zxid);
  }

  /**
   * Forgets every prepared-but-unapplied entry: they will not be applied through this preparer (a
   * leader that stepped down; whatever of them the cluster commits arrives as applied entries).
   */
  public void discardPending() {
    pending.clear();
  }

  /** Resolves {@code command} from {@code sessionId} (0 = no session) into the entry {@code zxid}. */
  public LogEntry prepare(long sessionId, Command command, long zxid, long time) {
    Layer layer = new Layer(zxid, time);
    Object txn;
    if (command instanceof Op op) {
      requireSession(sessionId);
      List<Object> txns = layer.op(sessionId, op);
      txn = txns.size() == 1 ? txns.get(0) : new MultiTxn(txns);
    } else if (command instanceof Command.Multi multi) {
      requireSession(sessionId);
      txn = layer.multi(sessionId, multi);
    } else if (command instanceof Command.OpenSession open) {
      txn = layer.openSession(open);
    } else if (command instanceof Command.CloseSession close) {
      txn = layer.closeSession(close);
    } else {
      txn = layer.reap((Command.Reap) command);
    }
    layer.commit();
    return new LogEntry(zxid, time, txn);
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

    Layer(long zxid, long time) {
      this.zxid = zxid;
      this.time = time;
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
      for (ChangeRecord r : records) {
        pending.add(r);
      }
      for (long[] s : sessionChanges) {
        pending.addSession(s[0], s[1] == 1, zxid);
      }
    }

    List<Object> op(long sessionId, Op op) {
      if (op instanceof Op.Create c) {
        return create(sessionId, c);
      } else if (op instanceof Op.Delete d) {
        return List.of(delete(d.path(), d.version(), DeleteCause.CLIENT));
      } else if (op instanceof Op.SetData s) {
        return List.of(setData(s));
      }
      return List.of(check((Op.Check) op));
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
      String path = mode.isSequential() ? PathValidator.validateSequentialPrefix(c.path()) : PathValidator.validate(c.path());
      if (path.equals("/")) {
        throw BatonException.nodeExists("/");
      }
      byte[] data = c.data() == null ? new byte[0] : c.data();
      checkSize(data, path);
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
      List<Object> txns = new ArrayList<>();
      String parentPath = Paths.parent(path);
      ChangeRecord parent = lookup(parentPath);
      if (parent == null) {
        if (!c.createParents()) {
          throw BatonException.noNode(parentPath);
        }
        createParents(parentPath, txns);
        parent = lookup(parentPath);
      }
      if (EphemeralOwner.isSession(parent.ephemeralOwner)) {
        throw new BatonException(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS, parentPath + " is ephemeral");
      }
      String finalPath = mode.isSequential() ? path + String.format("%010d", parent.cversion) : path;
      if (lookup(finalPath) != null) {
        throw BatonException.nodeExists(finalPath);
      }
      txns.add(createNode(finalPath, data, owner, parent));
      return txns;
    }

    private void createParents(String path, List<Object> txns) {
      String parentPath = Paths.parent(path);
      ChangeRecord parent = lookup(parentPath);
      if (parent == null) {
        createParents(parentPath, txns);
        parent = lookup(parentPath);
      }
      if (EphemeralOwner.isSession(parent.ephemeralOwner)) {
        throw new BatonException(ErrorCode.NO_CHILDREN_FOR_EPHEMERALS, parentPath + " is ephemeral");
      }
      txns.add(createNode(path, new byte[0], 0, parent));
    }

    private CreateTxn createNode(String path, byte[] data, long owner, ChangeRecord parent) {
      int newCversion = parent.cversion + 1;
      put(parent.withChildren(zxid, newCversion, parent.numChildren + 1));
      put(new ChangeRecord(path, zxid, true, 0, 0, 0, owner, time));
      return new CreateTxn(path, ByteBuffer.wrap(data), owner, newCversion);
    }

    DeleteTxn delete(String rawPath, int version, DeleteCause cause) {
      String path = PathValidator.validate(rawPath);
      if (path.equals("/")) {
        throw BatonException.badArguments("the root node cannot be deleted");
      }
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

    private void removeNode(String path) {
      String parentPath = Paths.parent(path);
      ChangeRecord parent = lookup(parentPath);
      put(parent.withChildren(zxid, parent.cversion, parent.numChildren - 1));
      put(ChangeRecord.deleted(path, zxid));
    }

    SetDataTxn setData(Op.SetData s) {
      String path = PathValidator.validate(s.path());
      byte[] data = s.data() == null ? new byte[0] : s.data();
      checkSize(data, path);
      ChangeRecord node = lookup(path);
      if (node == null) {
        throw BatonException.noNode(path);
      }
      if (s.version() != -1 && node.version != s.version()) {
        throw BatonException.badVersion(path, s.version(), node.version);
      }
      int newVersion = node.version + 1;
      put(node.withVersion(zxid, newVersion, time));
      return new SetDataTxn(path, ByteBuffer.wrap(data), newVersion);
    }

    CheckTxn check(Op.Check c) {
      String path = PathValidator.validate(c.path());
      ChangeRecord node = lookup(path);
      if (node == null) {
        throw BatonException.noNode(path);
      }
      if (c.version() != -1 && node.version != c.version()) {
        throw BatonException.badVersion(path, c.version(), node.version);
      }
      return new CheckTxn(path, c.version());
    }

    CreateSessionTxn openSession(Command.OpenSession open) {
      int timeout = Math.max(limits.minSessionTimeoutMs(),
          Math.min(limits.maxSessionTimeoutMs(), open.requestedTimeoutMs()));
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
        throw new BatonException(ErrorCode.TOO_LARGE, path + ": " + data.length + " bytes exceeds the limit of "
            + limits.maxDataBytes());
      }
    }
  }
}
