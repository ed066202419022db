package io.baton.core.txn;

import io.baton.core.session.SessionTable;
import io.baton.core.stream.ChangeEvents;
import io.baton.core.tree.DataTree;
import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateSessionTxn;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetDataTxn;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies resolved log entries to the tree and the session table. Deterministic: the result
 * depends only on the entry and the state, so replaying the log rebuilds the state exactly.
 */
public final class TxnApplier {
  private final DataTree tree;
  private final SessionTable sessions;

  public TxnApplier(DataTree tree, SessionTable sessions) {
    this.tree = tree;
    this.sessions = sessions;
  }

  /** Applies one entry and returns one result per transaction it holds. */
  public List<OpResult> apply(LogEntry entry) {
    List<OpResult> results = new ArrayList<>(1);
    apply(entry.getZxid(), entry.getTime(), entry.getTxn(), results);
    return results;
  }

  private void apply(long zxid, long time, Object txn, List<OpResult> results) {
    if (txn instanceof CreateTxn c) {
      var node = tree.create(c.getPath(), ChangeEvents.bytes(c.getData()), c.getEphemeralOwner(),
          c.getParentCVersion(), zxid, time);
      results.add(new OpResult.Created(c.getPath(), node.stat()));
    } else if (txn instanceof SetDataTxn s) {
      var node = tree.setData(s.getPath(), ChangeEvents.bytes(s.getData()), s.getVersion(), zxid, time);
      results.add(new OpResult.DataSet(s.getPath(), node.stat()));
    } else if (txn instanceof DeleteTxn d) {
      tree.delete(d.getPath(), zxid);
      results.add(new OpResult.Deleted(d.getPath()));
    } else if (txn instanceof CheckTxn c) {
      results.add(new OpResult.Checked(c.getPath()));
    } else if (txn instanceof MultiTxn m) {
      for (Object op : m.getOps()) {
        apply(zxid, time, op, results);
      }
    } else if (txn instanceof CreateSessionTxn s) {
      sessions.open(s.getSessionId(), s.getTimeoutMs());
      results.add(new OpResult.SessionOpened(s.getSessionId(), s.getTimeoutMs()));
    } else if (txn instanceof CloseSessionTxn s) {
      for (String path : s.getEphemerals()) {
        tree.delete(path, zxid);
      }
      sessions.close(s.getSessionId());
      results.add(new OpResult.SessionClosed(s.getSessionId()));
    } else {
      throw new IllegalArgumentException("unknown txn " + txn);
    }
  }
}
