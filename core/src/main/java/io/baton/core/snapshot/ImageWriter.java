package io.baton.core.snapshot;

import io.baton.core.log.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot to its file while it is being captured, so the image never lies whole on the
 * heap. The owner hands over each full chunk ({@link ImageSink}); a worker appends it to
 * {@code <file>.tmp}, flushing it every {@link #FLUSH_BYTES}, and gives the buffer back for the next
 * one. {@link #finish} adds the CRC32C trailer, fsyncs, renames the file into place and fsyncs the
 * directory; {@link #abandon} deletes the temp file. At most {@link #IN_FLIGHT} chunks wait for the worker: the capture pauses while
 * {@link #backlogged}. One worker task runs at a time, whatever executor is given.
 */
public final class ImageWriter implements ImageSink {
  private static final Logger LOG = LoggerFactory.getLogger(ImageWriter.class);
  /** Chunks handed over and not yet written, beyond which the capture waits (2 MiB). */
  public static final int IN_FLIGHT = 8;
  /**
   * The file is flushed to disk every this many bytes as it is written: the log's fsyncs then wait behind
   * at most that much of it, not behind the whole file at its end (measured: 4 KiB setData's maximum
   * 81-98 ms without, 19-21 ms with).
   */
  static final long FLUSH_BYTES = 4L << 20;

  /** Called on the worker once the file is in place ({@code failure} null) or the write failed. */
  public interface Done {
    void written(Path file, IOException failure);
  }

  private record End(Done done) {
  }

  private record Abandon(Runnable after) {
  }

  private final Path target;
  private final Path tmp;
  private final Executor worker;
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final Queue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile IOException failure;
  /** Set by {@link #abandon}: chunks still queued are dropped rather than written. */
  private volatile boolean abandoned;
  private final CountDownLatch ended = new CountDownLatch(1);
  // worker side, one task at a time (the draining flag orders them)
  private final CRC32C crc = new CRC32C();
  private FileChannel channel;
  /** Bytes written since the last flush. */
  private long unflushed;

  /** A writer of {@code target}, whose file work runs on {@code worker}. */
  public ImageWriter(Path target, Executor worker) {
    this.target = target;
    this.tmp = target.resolveSibling(target.getFileName() + ".tmp");
    this.worker = worker;
  }

  @Override
  public byte[] buffer() {
    byte[] recycled = free.poll();
    return recycled != null ? recycled : new byte[CHUNK];
  }

  @Override
  public void accept(byte[] chunk, int length) {
    waiting.incrementAndGet();
    submit(ByteBuffer.wrap(chunk, 0, length));
  }

  /** True while enough chunks wait for the worker that the capture should pause. */
  public boolean backlogged() {
    return waiting.get() >= IN_FLIGHT;
  }

  /** The write's failure so far, or null: the capture may stop early. */
  public IOException failure() {
    return failure;
  }

  /** Every chunk was handed over: completes the file, then calls {@code done} on the worker. */
  public void finish(Done done) {
    submit(new End(done));
  }

  /** The capture stopped: the worker drops what is queued, deletes the temp file, then runs {@code after}. */
  public void abandon(Runnable after) {
    abandoned = true;
    submit(new Abandon(after));
  }

  /**
   * Waits up to {@code timeoutMs} for the file to be in place, or for the write to fail or be abandoned
   * and its temp file removed; true if it ended. Blocking (a node closing waits for its snapshot).
   */
  public boolean awaitEnd(long timeoutMs) throws InterruptedException {
    return ended.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private void submit(Object item) {
    queue.add(item);
    if (draining.compareAndSet(false, true)) {
      try {
        worker.execute(this::drain);
      } catch (RuntimeException e) {
        // no worker (the node is closing): nothing will be written, and later items may try again
        draining.set(false);
        LOG.warn("could not hand snapshot chunks to a worker: {}", e.toString());
      }
    }
  }

  /** One drain at a time; whatever an item throws, the flag is handed back, so no later item is stranded. */
  private void drain() {
    do {
      try {
        Object item;
        while ((item = queue.poll()) != null) {
          handle(item);
        }
      } finally {
        draining.set(false);
      }
    } while (!queue.isEmpty() && draining.compareAndSet(false, true));
  }

  private void handle(Object item) {
    try {
      if (item instanceof ByteBuffer chunk) {
        write(chunk);
      } else if (item instanceof End end) {
        complete(end.done());
      } else if (item instanceof Abandon abandon) {
        fail(new IOException("snapshot abandoned"));
        ended.countDown();
        abandon.after().run();
      }
    } catch (IOException e) {
      fail(e); // the capture sees it at its next slice, and the end reports it
    } catch (Throwable t) {
      LOG.error("writing {} failed", target.getFileName(), t);
      fail(t);
      if (t instanceof VirtualMachineError vm) {
        throw vm;
      }
    }
  }

  private void write(ByteBuffer chunk) throws IOException {
    try {
      if (failure == null && !abandoned) {
        if (channel == null) {
          channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
        }
        crc.update(chunk.duplicate());
        unflushed += chunk.remaining();
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
        if (unflushed >= FLUSH_BYTES) {
          channel.force(false);
          unflushed = 0;
        }
      }
    } finally {
      free.add(chunk.array());
      waiting.decrementAndGet();
    }
  }

  private void complete(Done done) {
    if (failure == null) {
      try {
        if (channel == null) {
          throw new IOException("an empty snapshot image");
        }
        ByteBuffer trailer = ByteBuffer.allocate(8).putLong(0, crc.getValue());
        while (trailer.hasRemaining()) {
          channel.write(trailer);
        }
        channel.force(true);
        channel.close();
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.fsyncDirectory(target.getParent());
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }
    ended.countDown();
    done.written(target, failure);
  }

  /** Records the first failure and removes the temp file; later chunks are dropped. */
  private void fail(Throwable e) {
    if (failure == null) {
      failure = e instanceof IOException io ? io : new IOException(e);
    }
    try {
      if (channel != null) {
        channel.close();
      }
      Files.deleteIfExists(tmp);
    } catch (IOException cleanup) {
      LOG.warn("could not remove {}: {}", tmp, cleanup.toString());
    }
  }
}
