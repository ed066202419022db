package io.baton.core.log;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes appends to a Chronicle Queue durable: remembers which cycle files were written since the
 * last {@link #sync()} and fsyncs exactly those (and the queue directory when a file is new).
 * Thread-safe: the appending thread calls {@link #touched}, any thread may call {@link #sync}.
 */
public final class CycleFileSync implements AutoCloseable {
  private final java.nio.file.Path dir;
  private final Set<File> dirty = new LinkedHashSet<>();
  private final Map<File, FileChannel> channels = new HashMap<>();
  private File current;

  public CycleFileSync(java.nio.file.Path dir) {
    this.dir = dir;
  }

  /** Records an append to {@code file} (the appender's current cycle file). */
  public synchronized void touched(File file) {
    if (file != null) {
      dirty.add(file);
      current = file;
    }
  }

  /**
   * Forces every file touched before the call to disk. Files touched while it runs stay dirty for
   * the next call. A file deleted meanwhile (purged) is skipped.
   */
  public void sync() {
    List<File> files;
    synchronized (this) {
      files = List.copyOf(dirty);
      dirty.clear();
    }
    boolean newFile = false;
    for (int i = 0; i < files.size(); i++) {
      File file = files.get(i);
      try {
        FileChannel ch;
        synchronized (this) {
          ch = channels.get(file);
        }
        if (ch == null) {
          if (!file.exists()) {
            continue;
          }
          ch = FileChannel.open(file.toPath(), StandardOpenOption.WRITE);
          newFile = true;
          synchronized (this) {
            channels.put(file, ch);
          }
        }
        ch.force(false);
        synchronized (this) {
          if (!file.equals(current)) {
            channels.remove(file);
            closeQuietly(ch);
          }
        }
      } catch (IOException ex) {
        synchronized (this) {
          dirty.addAll(files.subList(i, files.size()));
        }
        throw new UncheckedIOException("sync of " + file + " failed", ex);
      }
    }
    if (newFile) {
      DurableFiles.fsyncDirectory(dir);
    }
  }

  /** Stops tracking a cycle file that is about to be deleted. */
  public synchronized void forget(File file) {
    dirty.remove(file);
    FileChannel ch = channels.remove(file);
    if (ch != null) {
      closeQuietly(ch);
    }
  }

  @Override
  public synchronized void close() {
    channels.values().forEach(CycleFileSync::closeQuietly);
    channels.clear();
    dirty.clear();
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // only used for force()
    }
  }
}
