package io.baton.core.server;

import io.baton.core.log.ChronicleTxnLog;
import io.baton.core.log.CorruptLogException;
import io.baton.core.log.LogOptions;
import io.baton.core.log.LogReader;
import io.baton.core.log.LogRepair;
import io.baton.core.session.SessionTable;
import io.baton.core.snapshot.SnapshotStore;
import io.baton.core.tree.DataTree;
import io.baton.core.txn.TxnApplier;
import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds state at startup: the newest valid snapshot, then every log entry after it. A torn or
 * corrupt tail is cut (see {@link LogRepair}) so the node always starts, with every entry that was
 * fully written before the crash. A complete entry that cannot be applied is not cut: the node refuses
 * to start ({@link UnreplayableEntryException}, naming the entry and the recovery command).
 */
public final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private Recovery() {
  }

  /** Recovered state and the open log positioned at its end. */
  public record Recovered(DataTree tree, SessionTable sessions, long lastZxid, long snapshotZxid,
                          long replayed, boolean repaired, ChronicleTxnLog log) {
  }

  /** Loads snapshot + log from {@code dataDir}; the returned log is open. */
  public static Recovered recover(Path dataDir, LogOptions options) throws IOException {
    SnapshotStore snapshots = new SnapshotStore(dataDir.resolve("snapshots"));
    snapshots.removeUnfinished();
    Optional<SnapshotStore.Loaded> loaded = snapshots.loadNewest();
    DataTree tree = loaded.map(SnapshotStore.Loaded::tree).orElseGet(DataTree::new);
    SessionTable sessions = loaded.map(SnapshotStore.Loaded::sessions).orElseGet(SessionTable::new);
    long snapshotZxid = loaded.map(SnapshotStore.Loaded::zxid).orElse(0L);
    return replay(dataDir.resolve("log"), options, tree, sessions, snapshotZxid);
  }

  /**
   * Rebuilds state from the log alone, ignoring snapshots (the log must still hold every entry).
   * Used to check that snapshot + replay equals full replay.
   */
  public static Recovered replayLogOnly(Path dataDir, LogOptions options) throws IOException {
    return replay(dataDir.resolve("log"), options, new DataTree(), new SessionTable(), 0);
  }

  private static Recovered replay(Path logDir, LogOptions options, DataTree tree, SessionTable sessions,
                                  long snapshotZxid) throws IOException {
    long start = System.nanoTime();
    TxnApplier applier = new TxnApplier(tree, sessions);
    ChronicleTxnLog log = ChronicleTxnLog.open(logDir, options);
    if (log.horizon() > snapshotZxid) {
      long horizon = log.horizon();
      log.close();
      throw new IOException("log entries up to zxid 0x" + Long.toHexString(horizon) + " were purged but recovery"
          + " starts at 0x" + Long.toHexString(snapshotZxid) + (snapshotZxid == 0 ? " (no usable snapshot)" : "")
          + "; refusing to start with missing transactions");
    }
    long last = snapshotZxid;
    long replayed = 0;
    boolean repaired = false;
    try (LogReader reader = log.readerAfter(snapshotZxid)) {
      LogEntry entry;
      while ((entry = reader.next()) != null) {
        if (entry.getZxid() <= last) {
          throw new CorruptLogException(reader.lastIndex(), "zxid 0x" + Long.toHexString(entry.getZxid())
              + " does not follow 0x" + Long.toHexString(last));
        }
        try {
          applier.apply(entry);
        } catch (RuntimeException e) {
          java.io.File file = reader.currentFile();
          log.close();
          throw new UnreplayableEntryException(logDir.getParent(), entry.getZxid(), file, e);
        }
        last = entry.getZxid();
        replayed++;
      }
    } catch (CorruptLogException e) {
      LOG.warn("torn or corrupt log tail: {}", e.getMessage());
      log.close();
      LogRepair.cut(logDir, options, e.index());
      log = ChronicleTxnLog.open(logDir, options);
      repaired = true;
    }
    if (log.lastZxid() > last && log.lastZxid() > snapshotZxid) {
      log.close();
      throw new IOException("log ends at zxid 0x" + Long.toHexString(log.lastZxid()) + " but replay stopped at 0x"
          + Long.toHexString(last));
    }
    if (snapshotZxid > log.lastZxid()) {
      // the snapshot is newer than the log's end (an installed leader snapshot, or a log tail lost
      // with the power): entries before it will never be in this log
      log.skipTo(snapshotZxid);
    }
    LOG.info("recovered {} nodes, {} sessions: snapshot zxid 0x{}, {} log entries replayed up to 0x{} in {} ms",
        tree.nodeCount(), sessions.sessions().size(), Long.toHexString(snapshotZxid), replayed,
        Long.toHexString(last), (System.nanoTime() - start) / 1_000_000);
    return new Recovered(tree, sessions, last, snapshotZxid, replayed, repaired, log);
  }
}
