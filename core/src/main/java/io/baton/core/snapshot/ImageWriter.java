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
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot to its file while it is being captured, so the image never lies whole on the
 * heap. The owner hands over each full chunk ({@link ImageSink}); a worker appends it to
 * {@code <file>.tmp} and gives the buffer back for the next one. {@link #finish} adds the CRC32C
 * trailer, fsyncs, renames the file into place and fsyncs the directory; {@link #abandon} deletes the
 * temp file. At most {@link #IN_FLIGHT} chunks wait for the worker: the capture pauses while
 * {@link #backlogged}. One worker task runs at a time, whatever executor is given.
 */
public final class ImageWriter implements ImageSink {
  private static final Logger LOG = LoggerFactory.getLogger(ImageWriter.class);
  /** Chunks handed over and not yet written, beyond which the capture waits (2 MiB). */
  public static final int IN_FLIGHT = 8;

  /** Called on the worker once the file is in place ({@code failure} null) or the write failed. */
  public interface Done {
    void written(Path file, long length, IOException failure);
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
  // worker side, one task at a time (the draining flag orders them)
  private final CRC32C crc = new CRC32C();
  private FileChannel channel;
  private long length;

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

  /** The capture stopped: the worker deletes the temp file, then runs {@code after}. */
  public void abandon(Runnable after) {
    submit(new Abandon(after));
  }

  private void submit(Object item) {
    queue.add(item);
    if (draining.compareAndSet(false, true)) {
      worker.execute(this::drain);
    }
  }

  private void drain() {
    do {
      Object item;
      while ((item = queue.poll()) != null) {
        if (item instanceof ByteBuffer chunk) {
          write(chunk);
        } else if (item instanceof End end) {
          complete(end.done());
        } else if (item instanceof Abandon abandon) {
          fail(new IOException("snapshot abandoned"));
          abandon.after().run();
        }
      }
      draining.set(false);
    } while (!queue.isEmpty() && draining.compareAndSet(false, true));
  }

  private void write(ByteBuffer chunk) {
    try {
      if (failure == null) {
        if (channel == null) {
          channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
        }
        crc.update(chunk.duplicate());
        length += chunk.remaining();
        while (chunk.hasRemaining()) {
          channel.write(chunk);
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
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
    done.written(target, length, failure);
  }

  /** Records the first failure and removes the temp file; later chunks are dropped. */
  private void fail(Exception e) {
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
