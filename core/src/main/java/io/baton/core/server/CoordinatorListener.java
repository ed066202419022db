package io.baton.core.server;

import io.baton.core.stream.ChangeEvent;
import io.baton.core.watch.WatchEvent;
import io.baton.schemas.log.LogEntry;
import java.util.List;

/** Receives a coordinator's outputs on the owner thread. */
public interface CoordinatorListener {
  /** A watch fired for a session. */
  default void watchEvent(long sessionId, WatchEvent event) {
  }

  /** An entry was committed and applied; events are derived from it. */
  default void committed(LogEntry entry, List<ChangeEvent> events) {
  }

  /** A session ended (closed or expired); its address can be released. */
  default void sessionEnded(long sessionId, boolean expired) {
  }

  /** A snapshot of the applied state at {@code zxid} was just captured (it is written later). */
  default void snapshotCaptured(long zxid) {
  }

  /** The snapshot captured at {@code zxid} is durable in {@code file}. */
  default void snapshotWritten(long zxid, java.nio.file.Path file) {
  }

  /**
   * The whole state was replaced by a snapshot at {@code zxid} (a follower too far behind its
   * leader): the changes between the previous state and it were not applied one by one.
   */
  default void stateReplaced(long zxid) {
  }
}
