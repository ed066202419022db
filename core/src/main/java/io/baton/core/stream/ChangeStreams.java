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
 * Change streams: every committed change after a given zxid, in order, with no gaps and no repeats.
 * A stream catches up from the log in bounded batches (read on a blocking thread), then switches to
 * live delivery. It is paced by its consumer: a batch is read only when the consumer
 * ({@link Sink#ready()}) has taken the previous one, and a live stream whose consumer is not ready
 * holds at most {@code maxStreamBufferEvents} new events; past that it drops them and later catches
 * up from the log from where it stopped, so a slow consumer costs bounded memory. Fails with
 * {@link ErrorCode#COMPACTED} when the log no longer holds the entries after the requested zxid.
 * Owner thread only.
 */
public final class ChangeStreams implements CoordinatorListener {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeStreams.class);
  /** Most log entries read for a stream at once. */
  private static final int BATCH_ENTRIES = 1_000;
  /** Most change bytes (data and paths, roughly) read for a stream at once; at least one entry is read. */
  private static final int BATCH_BYTES = 1 << 20;

  private final Coordinator coordinator;
  private final Scheduler scheduler;
  private final int maxBuffered;
  private final Set<Subscription> subscriptions = new HashSet<>();

  /** Receives a stream's events on the owner thread. */
  public interface Sink {
    void events(List<ChangeEvent> events);

    /** The stream ended because of an error (e.g. the log was cut while catching up). */
    default void failed(BatonException error) {
    }

    /** Whether the consumer takes more events now; when false the stream pauses until {@link #whenReady}. */
    default boolean ready() {
      return true;
    }

    /**
     * Runs {@code resume} once, on any thread, when the consumer takes events again (asked after
     * {@link #ready()} said no); a sink that overrides {@link #ready()} overrides this too.
     */
    default void whenReady(Runnable resume) {
      resume.run();
    }
  }

  /** An open stream; {@link #close()} stops delivery. */
  public final class Subscription implements AutoCloseable {
    private final Sink sink;
    /** zxid of the last entry delivered. */
    private long position;
    /** While catching up: the zxid up to which the log is read before going live. */
    private long target;
    private boolean live;
    private boolean reading;
    private boolean waiting;
    private boolean closed;
    /** Live events held while not live; null once more than the bound arrived (then the log is read again). */
    private List<ChangeEvent> held = new ArrayList<>();

    private Subscription(long from, Sink sink) {
      this.position = from;
      this.target = from;
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
      held = null;
      subscriptions.remove(this);
    }
  }

  public ChangeStreams(Coordinator coordinator, Scheduler scheduler) {
    this.coordinator = coordinator;
    this.scheduler = scheduler;
    this.maxBuffered = coordinator.config().limits().maxStreamBufferEvents();
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
    Subscription s = new Subscription(fromZxid, sink);
    subscriptions.add(s);
    if (fromZxid >= applied) {
      s.live = true;
      s.held = null;
    } else {
      s.target = applied;
      readBatch(s);
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

  @Override
  public void committed(LogEntry entry, List<ChangeEvent> events) {
    if (subscriptions.isEmpty() || events.isEmpty()) {
      return;
    }
    for (Subscription s : List.copyOf(subscriptions)) {
      if (s.live) {
        s.position = entry.getZxid();
        s.sink.events(events);
        if (!s.sink.ready()) {
          // the consumer is behind: hold what comes next, up to the bound, until it takes more
          s.live = false;
          s.target = s.position;
          s.held = new ArrayList<>();
          waitForConsumer(s);
        }
      } else if (s.held != null) {
        s.held.addAll(events);
        if (s.held.size() > maxBuffered) {
          s.held = null;
        }
      }
    }
  }

  private void waitForConsumer(Subscription s) {
    s.waiting = true;
    s.sink.whenReady(() -> scheduler.runOnOwner(() -> {
      s.waiting = false;
      if (!s.closed) {
        advance(s);
      }
    }));
  }

  /** Continues a stream that is not live: the next batch, or the held events and live delivery. */
  private void advance(Subscription s) {
    if (s.reading || s.waiting || s.live || s.closed) {
      return;
    }
    if (!s.sink.ready()) {
      waitForConsumer(s);
      return;
    }
    if (s.position < s.target) {
      readBatch(s);
      return;
    }
    if (s.held == null) {
      // more arrived than could be held: read it from the log
      s.target = coordinator.lastApplied();
      s.held = new ArrayList<>();
      if (s.position < s.target) {
        readBatch(s);
        return;
      }
    }
    List<ChangeEvent> pending = new ArrayList<>();
    for (ChangeEvent e : s.held) {
      if (e.zxid() > s.position) {
        pending.add(e);
      }
    }
    s.held = null;
    s.live = true;
    if (!pending.isEmpty()) {
      s.position = pending.get(pending.size() - 1).zxid();
      s.sink.events(pending);
      if (!s.sink.ready()) {
        s.live = false;
        s.target = s.position;
        s.held = new ArrayList<>();
        waitForConsumer(s);
      }
    }
  }

  private void readBatch(Subscription s) {
    long from = s.position;
    long target = s.target;
    s.reading = true;
    scheduler.runBlocking(() -> {
      List<ChangeEvent> events = new ArrayList<>();
      long last = from;
      BatonException failure = null;
      boolean more = false;
      try (LogReader reader = coordinator.log().readerAfter(from)) {
        int read = 0;
        long bytes = 0;
        LogEntry e;
        while ((e = reader.next()) != null && e.getZxid() <= target) {
          List<ChangeEvent> changes = ChangeEvents.of(e);
          events.addAll(changes);
          last = e.getZxid();
          bytes += size(changes);
          if (++read >= BATCH_ENTRIES || bytes >= BATCH_BYTES) {
            more = last < target;
            break;
          }
        }
      } catch (IOException | RuntimeException ex) {
        LOG.warn("change stream catch-up failed: {}", ex.toString());
        failure = new BatonException(ErrorCode.SYSTEM_ERROR, "reading the log failed: " + ex);
      }
      long reached = last;
      BatonException f = failure;
      boolean exhausted = !more;
      scheduler.runOnOwner(() -> batchRead(s, events, reached, exhausted, f));
    });
  }

  private void batchRead(Subscription s, List<ChangeEvent> events, long reached, boolean exhausted,
                         BatonException failure) {
    s.reading = false;
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
    if (reached < s.target && exhausted) {
      if (coordinator.log().horizon() > reached) {
        s.close();
        s.sink.failed(new BatonException(ErrorCode.COMPACTED, "the log was purged while the stream caught up"));
        return;
      }
      // the log holds nothing more up to the target: what is missing is held (or will be read again)
      s.target = reached;
    }
    advance(s);
  }

  private static long size(List<ChangeEvent> changes) {
    long bytes = 0;
    for (ChangeEvent c : changes) {
      bytes += 64 + (c.path() == null ? 0 : c.path().length()) + (c.data() == null ? 0 : c.data().length);
    }
    return bytes;
  }
}
