package io.baton.core.stream;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.log.LogReader;
import io.baton.core.server.Coordinator;
import io.baton.core.server.CoordinatorListener;
import io.baton.core.server.Scheduler;
import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change streams: every committed change after a given zxid, in order, with no gaps. A new stream
 * first catches up from the log (read on a blocking thread, in chunks) while live changes are
 * buffered, then switches to live delivery. Fails with {@link ErrorCode#COMPACTED} when the log no
 * longer holds the entries after the requested zxid. Owner thread only.
 */
public final class ChangeStreams implements CoordinatorListener {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeStreams.class);
  private static final int CHUNK = 10_000;

  private final Coordinator coordinator;
  private final Scheduler scheduler;
  private final Set<Subscription> subscriptions = new HashSet<>();

  /** Receives a stream's events on the owner thread. */
  public interface Sink {
    void events(List<ChangeEvent> events);

    /** The stream ended because of an error (e.g. the log was cut while catching up). */
    default void failed(BatonException error) {
    }
  }

  /** An open stream; {@link #close()} stops delivery. */
  public final class Subscription implements AutoCloseable {
    private final Sink sink;
    private final long target;
    private long position;
    private boolean live;
    private boolean closed;
    private final List<ChangeEvent> buffer = new ArrayList<>();

    private Subscription(long from, long target, Sink sink) {
      this.position = from;
      this.target = target;
      this.sink = sink;
    }

    /** zxid of the last entry delivered (or the start position). */
    public long position() {
      return position;
    }

    public boolean isLive() {
      return live;
    }

    @Override
    public void close() {
      closed = true;
      subscriptions.remove(this);
    }
  }

  public ChangeStreams(Coordinator coordinator, Scheduler scheduler) {
    this.coordinator = coordinator;
    this.scheduler = scheduler;
    coordinator.addListener(this);
  }

  /** Opens a stream of every change after {@code fromZxid}. */
  public Subscription open(long fromZxid, Sink sink) {
    long horizon = coordinator.log().horizon();
    if (fromZxid < horizon) {
      throw new BatonException(ErrorCode.COMPACTED, "the log no longer holds zxid 0x" + Long.toHexString(fromZxid)
          + "; oldest available position is 0x" + Long.toHexString(horizon) + " (" + horizon + ")");
    }
    long applied = coordinator.lastApplied();
    if (fromZxid > applied) {
      throw BatonException.badArguments("zxid 0x" + Long.toHexString(fromZxid) + " is after the last committed 0x"
          + Long.toHexString(applied));
    }
    Subscription s = new Subscription(fromZxid, applied, sink);
    subscriptions.add(s);
    if (fromZxid >= applied) {
      s.live = true;
    } else {
      catchUp(s);
    }
    return s;
  }

  /** The state jumped to a snapshot: every stream has a gap, so each ends with Compacted. */
  @Override
  public void stateReplaced(long zxid) {
    for (Subscription s : List.copyOf(subscriptions)) {
      s.close();
      s.sink.failed(new BatonException(ErrorCode.COMPACTED, "this node installed a snapshot at zxid 0x"
          + Long.toHexString(zxid) + "; resume from there or later"));
    }
  }

  public int size() {
    return subscriptions.size();
  }

  private void catchUp(Subscription s) {
    long from = s.position;
    scheduler.runBlocking(() -> {
      List<ChangeEvent> events = new ArrayList<>();
      long last = from;
      BatonException failure = null;
      int read = 0;
      try (LogReader reader = coordinator.log().readerAfter(from)) {
        LogEntry e;
        while (read < CHUNK && (e = reader.next()) != null && e.getZxid() <= s.target) {
          events.addAll(ChangeEvents.of(e));
          last = e.getZxid();
          read++;
        }
      } catch (IOException | RuntimeException ex) {
        LOG.warn("change stream catch-up failed", ex);
        failure = new BatonException(ErrorCode.SYSTEM_ERROR, "reading the log failed: " + ex);
      }
      long reached = last;
      BatonException f = failure;
      boolean exhausted = read < CHUNK;
      scheduler.runOnOwner(() -> caughtUp(s, events, reached, exhausted, f));
    });
  }

  private void caughtUp(Subscription s, List<ChangeEvent> events, long reached, boolean exhausted,
                        BatonException failure) {
    if (s.closed) {
      return;
    }
    if (failure != null) {
      s.close();
      s.sink.failed(failure);
      return;
    }
    if (!events.isEmpty()) {
      s.sink.events(events);
    }
    s.position = reached;
    if (reached < s.target && !exhausted) {
      catchUp(s);
      return;
    }
    if (reached < s.target && coordinator.log().horizon() > reached) {
      s.close();
      s.sink.failed(new BatonException(ErrorCode.COMPACTED, "the log was purged while the stream caught up"));
      return;
    }
    List<ChangeEvent> pending = new ArrayList<>();
    for (ChangeEvent e : s.buffer) {
      if (e.zxid() > s.position) {
        pending.add(e);
      }
    }
    s.buffer.clear();
    s.live = true;
    if (!pending.isEmpty()) {
      s.position = pending.get(pending.size() - 1).zxid();
      s.sink.events(pending);
    }
  }

  @Override
  public void committed(LogEntry entry, List<ChangeEvent> events) {
    if (subscriptions.isEmpty() || events.isEmpty()) {
      return;
    }
    for (Subscription s : List.copyOf(subscriptions)) {
      if (s.live) {
        s.position = entry.getZxid();
        s.sink.events(events);
      } else {
        s.buffer.addAll(events);
      }
    }
  }
}
