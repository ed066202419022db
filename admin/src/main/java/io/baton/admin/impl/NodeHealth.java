package io.baton.admin.impl;

import io.baton.admin.Check;
import io.baton.admin.Health;
import io.baton.core.view.RaftStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's health checks, as etcd and Kubernetes name them. Liveness: the node has not halted and
 * its owner thread publishes its state (it is not stuck). Readiness: live, a leader is known (always
 * for a lone node), this node has applied within {@code readyMaxLag} entries of what is committed,
 * and its data directory takes a write. Each check reads the last {@link StatusBoard} snapshot,
 * never the owner thread.
 */
public final class NodeHealth implements Health {
  /** A snapshot older than this means the owner thread is stuck. */
  static final long STALE_NANOS = 5_000_000_000L;
  /** A disk look older than this counts as failed (the worker pool is stuck). */
  static final long DISK_STALE_NANOS = 30_000_000_000L;

  private final StatusBoard board;
  private final long readyMaxLag;

  public NodeHealth(StatusBoard board, long readyMaxLag) {
    this.board = board;
    this.readyMaxLag = readyMaxLag;
  }

  /** The liveness checks: {@code serving}, {@code owner}. */
  @Override
  public List<Check> live() {
    List<Check> out = new ArrayList<>();
    StatusBoard.Snapshot s = board.current();
    long now = System.nanoTime();
    out.add(s == null ? new Check("serving", false, "the node has not published its state yet")
        : s.node().halted() ? new Check("serving", false, "the node halted on a fatal error (see its log)")
        : ok("serving"));
    out.add(s != null && now - s.takenNanos() > STALE_NANOS
        ? new Check("owner", false, "the node's owner thread has not published its state for "
            + (now - s.takenNanos()) / 1_000_000 + " ms")
        : ok("owner"));
    return out;
  }

  /** The readiness checks: the liveness ones plus {@code leader}, {@code apply_lag}, {@code disk}. */
  @Override
  public List<Check> ready() {
    List<Check> out = live();
    StatusBoard.Snapshot s = board.current();
    RaftStatus raft = s == null ? null : s.raft();
    if (s == null) {
      out.add(new Check("leader", false, "unknown yet"));
    } else if (raft != null && !raft.hasLeader()) {
      out.add(new Check("leader", false, "no leader (term " + raft.term() + "): the cluster has no quorum"
          + " reachable from this node, or an election is under way"));
    } else {
      out.add(ok("leader"));
    }
    long lag = raft == null ? 0 : raft.commitIndex() - raft.appliedIndex();
    out.add(lag > readyMaxLag ? new Check("apply_lag", false, lag + " committed entries not applied yet (over "
        + readyMaxLag + ")") : ok("apply_lag"));
    StatusBoard.Disk disk = board.disk();
    long now = System.nanoTime();
    if (disk == null) {
      out.add(new Check("disk", false, "not checked yet"));
    } else if (!disk.writable()) {
      out.add(new Check("disk", false, "the data directory takes no write: " + disk.error()));
    } else if (now - disk.takenNanos() > DISK_STALE_NANOS) {
      out.add(new Check("disk", false, "the last write probe is " + (now - disk.takenNanos()) / 1_000_000
          + " ms old (the disk or the worker threads are stuck)"));
    } else if (s != null && s.node().logSyncFailures() > 0) {
      out.add(new Check("disk", false, s.node().logSyncFailures() + " log fsyncs failed in a row"));
    } else {
      out.add(ok("disk"));
    }
    return out;
  }

  private static Check ok(String name) {
    return Check.ok(name);
  }
}
