package io.baton.core.log;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes zeros into the current cycle file ahead of the appender, as ZooKeeper preallocates its log,
 * on a thread of its own. Chronicle grows its files sparse, so an fsync after appends into a hole
 * also commits the allocation of their blocks: measured, an append+fsync of 4 KiB took 1.2 ms at p50
 * once a file passed ~40 MB, and 0.36 ms with the zeros written ahead (again on 2026-12-03: 299-342
 * against 143-151 µs). Chronicle reads zeros as "not yet written".
 *
 * <p>Zeros must never land where the appender writes. Before each append the appending thread
 * {@link #claim claims} the end of what it is about to write; zeros are written only at least
 * {@link #MARGIN} beyond the latest claim (closing an excerpt may make Chronicle write an index array
 * after it). The two threads hand over through two volatile fields: the filler publishes where it is
 * about to write, then reads the latest claim and gives up if that came too near; the appender
 * publishes its claim, then reads where the filler is writing and waits for that write to end if it
 * is too near. Whichever publishes second sees the other. (Reading a chunk first, to check it is
 * still empty, undid the gain: fsyncs were as slow as without the zeros.) Writing the zeros took a
 * fifth of the owner thread's time at 4 KiB entries before it moved here, and a page-cache write
 * may block on the kernel's dirty-page throttling.
 */
public final class ZeroFiller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZeroFiller.class);
  /** Zeros are kept this far ahead of the latest claim ... */
  static final long AHEAD = 4L << 20;
  /** ... written this much at a time, so each write is a short page-cache copy ... */
  static final int CHUNK = 1 << 20;
  /** ... and never nearer than this to the latest claim. */
  static final long MARGIN = 1L << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();

  /** The appender will write below {@code end} of {@code file}. */
  private record Claim(File file, long end) {
  }

  /**
   * In {@link #writing}: zeros are being written in {@code file} from byte {@code at}; in {@link #zeroed}: zeros
   * reach byte {@code at} of {@code file}.
   */
  private record Zeros(File file, long at) {
  }

  private final Thread thread;
  private volatile Claim claim;
  private volatile Zeros writing;
  private volatile Zeros zeroed;
  private volatile Thread waiting;
  private volatile boolean closed;
  private volatile Runnable beforePublishing = () -> { };

  /** Starts the filler's thread, named after {@code name} (the log's directory). */
  public ZeroFiller(String name) {
    thread = new Thread(this::run, "baton-log-zeros " + name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * The appending thread is about to write bytes of {@code file} below {@code end}: waits while zeros
   * are being written too near it, and wakes the filler if zeros run short.
   */
  public void claim(File file, long end) {
    if (file == null) {
      return;
    }
    claim = new Claim(file, end);
    if (near(writing, file, end)) {
      waiting = Thread.currentThread();
      while (near(writing, file, end)) {
        LockSupport.parkNanos(this, 100_000);
      }
      waiting = null;
    }
    Zeros done = zeroed;
    if (done == null || !done.file.equals(file) || done.at < end + AHEAD - CHUNK) {
      LockSupport.unpark(thread);
    }
  }

  private static boolean near(Zeros z, File file, long end) {
    return z != null && z.file.equals(file) && end + MARGIN > z.at;
  }

  /** Test seam: runs on the filler's thread after it chose where to write, before it says so. */
  void beforePublishing(Runnable hook) {
    beforePublishing = hook;
  }

  /** How far zeros have been written in the latest claimed file (tests). */
  long zeroedTo() {
    Zeros done = zeroed;
    Claim c = claim;
    return done == null || c == null || !done.file.equals(c.file) ? 0 : done.at;
  }

  private void run() {
    File file = null;
    FileChannel channel = null;
    long to = 0;
    try {
      while (!closed) {
        Claim c = claim;
        if (c == null || c.file.equals(file) && to >= c.end + AHEAD - CHUNK) {
          LockSupport.park(this);
          continue;
        }
        if (!c.file.equals(file)) {
          closeQuietly(channel);
          channel = null;
          file = c.file;
          to = 0;
          try {
            channel = FileChannel.open(file.toPath(), StandardOpenOption.WRITE);
          } catch (IOException e) {
            LOG.warn("could not write zeros ahead in {}: {}", file, e.toString());
            giveUp(file);
            to = Long.MAX_VALUE;
            continue;
          }
        }
        // behind the appender (a new file, or it jumped past the zeros): start a margin further, so that its
        // next claims do not wait for this write
        long from = to >= c.end + MARGIN ? to : c.end + 2 * MARGIN;
        int length = (int) Math.min(CHUNK, c.end + AHEAD - from);
        beforePublishing.run();
        writing = new Zeros(file, from);
        Claim now = claim;
        if (!now.file.equals(file) || now.end + MARGIN > from) {
          finishWriting();  // the appender came near: start again from its latest claim
          continue;
        }
        try {
          ByteBuffer zeros = ZEROS.duplicate().limit(length);
          while (zeros.hasRemaining()) {
            channel.write(zeros, from + zeros.position());
          }
        } catch (IOException e) {
          // an optimisation only: appends and fsyncs work without it
          LOG.warn("could not write zeros ahead in {}: {}", file, e.toString());
          finishWriting();
          giveUp(file);
          to = Long.MAX_VALUE;
          continue;
        }
        finishWriting();
        to = from + length;
        zeroed = new Zeros(file, to);
      }
    } catch (RuntimeException | Error e) {
      // appends and fsyncs go on without zeros ahead; a claim never waits once nothing is being written
      finishWriting();
      LOG.error("the writer of zeros ahead of the log's appender stopped", e);
    } finally {
      closeQuietly(channel);
    }
  }

  /** No more zeros in {@code file}: claims there stop waking the filler. */
  private void giveUp(File file) {
    zeroed = new Zeros(file, Long.MAX_VALUE);
  }

  private void finishWriting() {
    writing = null;
    Thread t = waiting;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Stops the filler; a write under way ends first. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("{} has not stopped after 5 s: a write of zeros is stalled", thread.getName());
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // only written to
      }
    }
  }
}
