package io.baton.core.log;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes appends to a Chronicle Queue durable: remembers which cycle files were written since the
 * last {@link #sync()}, and up to where, and forces exactly those bytes to disk (the whole file and
 * the queue directory when a file is new). Thread-safe: the appending thread calls {@link #touched},
 * any thread may call {@link #sync}.
 */
public final class CycleFileSync implements AutoCloseable {
  private final java.nio.file.Path dir;
  /** Files appended to since their last sync, with the end of their last append. */
  private final Map<File, Long> dirty = new LinkedHashMap<>();
  private final Set<File> forgotten = new HashSet<>();
  private File current;
  /** Serializes syncs; guards {@link #syncedFiles}. Never held by the appending thread. */
  private final Object syncLock = new Object();
  private final Map<File, Synced> syncedFiles = new HashMap<>();
  private int injectedFailures;

  public CycleFileSync(java.nio.file.Path dir) {
    this.dir = dir;
  }

  /**
   * Records an append to {@code file} (the appender's current cycle file) that ended at byte
   * {@code end} of it. Appending thread only.
   */
  public void touched(File file, long end) {
    if (file == null) {
      return;
    }
    synchronized (this) {
      dirty.merge(file, end, Math::max);
      current = file;
    }
  }

  /**
   * Forces every append made before the call to disk. Files touched while it runs stay dirty for
   * the next call. A file deleted meanwhile (purged) is skipped. Calls are serialized.
   *
   * <p>The first sync of a cycle file is an fdatasync of the whole file and of the directory. Later
   * ones force only the bytes appended since the previous sync ({@link SyncWindow}): Chronicle also
   * rewrites the file's header (the write position) and its index pages on every append, and
   * flushing those pages too took one more disk write per sync. Neither needs to be on disk: after a
   * crash Chronicle finds the end of the data by walking the excerpts from a stale write position, and
   * an entry missing from a stale index is found by scanning from the entry before it (CrashImageTest
   * opens logs whose header and index pages are as old as the first sync).
   */
  public void sync() {
    Map<File, Long> files;
    synchronized (this) {
      if (injectedFailures > 0) {
        injectedFailures--;
        throw new UncheckedIOException("sync of " + dir + " failed", new IOException("injected fsync failure"));
      }
      files = new LinkedHashMap<>(dirty);
      dirty.clear();
    }
    synchronized (syncLock) {
      closeForgotten();
      boolean newFile = false;
      for (Map.Entry<File, Long> e : files.entrySet()) {
        File file = e.getKey();
        try {
          Synced synced = syncedFiles.get(file);
          if (synced == null) {
            if (!file.exists()) {
              continue;
            }
            synced = new Synced(FileChannel.open(file.toPath(), StandardOpenOption.READ, StandardOpenOption.WRITE));
            syncedFiles.put(file, synced);
            synced.channel.force(false);
            newFile = true;
          } else if (e.getValue() > synced.syncedTo) {
            synced.window.force(synced.syncedTo, e.getValue());
          }
          synced.syncedTo = Math.max(synced.syncedTo, e.getValue());
          if (!file.equals(current())) {
            syncedFiles.remove(file).close();
          }
        } catch (IOException | RuntimeException ex) {
          synchronized (this) {
            boolean from = false;
            for (Map.Entry<File, Long> left : files.entrySet()) {
              from |= left.getKey().equals(file);
              if (from) {
                dirty.merge(left.getKey(), left.getValue(), Math::max);
              }
            }
          }
          throw new UncheckedIOException("sync of " + file + " failed",
              ex instanceof IOException io ? io : new IOException(ex));
        }
      }
      if (newFile) {
        DurableFiles.fsyncDirectory(dir);
      }
    }
  }

  private synchronized File current() {
    return current;
  }

  private void closeForgotten() {
    List<File> gone;
    synchronized (this) {
      gone = List.copyOf(forgotten);
      forgotten.clear();
    }
    for (File file : gone) {
      Synced synced = syncedFiles.remove(file);
      if (synced != null) {
        synced.close();
      }
    }
  }

  /**
   * Test seam: the next {@code count} calls of {@link #sync()} fail as an fsync error (EIO, EMFILE)
   * would, before forcing anything, and leave every touched file dirty.
   */
  public synchronized void failNextSyncs(int count) {
    injectedFailures = count;
  }

  /**
   * Stops tracking a cycle file that is about to be deleted; its channel and mapping are closed by
   * the next sync (a sync running now may still force it).
   */
  public synchronized void forget(File file) {
    dirty.remove(file);
    forgotten.add(file);
  }

  /** Closes the files; waits for a sync that is running. */
  @Override
  public void close() {
    synchronized (syncLock) {
      synchronized (this) {
        dirty.clear();
        forgotten.clear();
      }
      syncedFiles.values().forEach(Synced::close);
      syncedFiles.clear();
    }
  }

  /** Bytes {@code [0, syncedTo)} of a cycle file are on disk (tests). */
  long syncedTo(File file) {
    synchronized (syncLock) {
      Synced synced = syncedFiles.get(file);
      return synced == null ? 0 : synced.syncedTo;
    }
  }

  /** A cycle file being synced: its channel, the mapping ranges are forced through, how far it is on disk. */
  private static final class Synced implements AutoCloseable {
    final FileChannel channel;
    final SyncWindow window;
    long syncedTo;

    Synced(FileChannel channel) {
      this.channel = channel;
      this.window = new SyncWindow(channel);
    }

    @Override
    public void close() {
      window.close();
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // only used for force()
    }
  }
}
