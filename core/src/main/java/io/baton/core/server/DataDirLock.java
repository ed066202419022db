package io.baton.core.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS lock on a data directory, held for as long as a node uses it (like Kafka's and
 * etcd's): a second process, or a second node in the same process, opening the same directory fails
 * at once with a message naming the holder's pid instead of interleaving its writes with the first's.
 * The lock is the file {@code baton.lock} in the directory, which also records the holder's pid; the
 * OS releases the lock when the holder exits, however it exits.
 */
public final class DataDirLock implements AutoCloseable {
  /** Name of the lock file inside a data directory. */
  public static final String FILE = "baton.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock on {@code dataDir} (created if missing); fails if another holder has it. */
  public static DataDirLock acquire(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Path file = dataDir.resolve(FILE);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = holder(channel);
      channel.close();
      throw new IOException("the data directory " + dataDir.toAbsolutePath() + " is in use by another Baton node ("
          + holder + "); stop it first, or give this node its own data directory");
    }
    byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(pid), 0);
    return new DataDirLock(channel, lock);
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      int n = channel.read(b, 0);
      String pid = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.US_ASCII).trim();
      return pid.isEmpty() ? "pid unknown" : "pid " + pid;
    } catch (IOException e) {
      return "pid unknown";
    }
  }

  /** Releases the lock (the file stays). */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
