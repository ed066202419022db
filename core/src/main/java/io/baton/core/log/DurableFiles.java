package io.baton.core.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File operations that must survive a power loss: fsyncs, atomic replacement, tree removal. */
public final class DurableFiles {
  private static final Logger LOG = LoggerFactory.getLogger(DurableFiles.class);

  private DurableFiles() {
  }

  /** fsync of a directory, so a created, renamed or deleted entry in it is durable. */
  public static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      LOG.debug("directory fsync of {} not supported: {}", dir, e.toString());
    }
  }

  /**
   * Replaces {@code target} with {@code parts} atomically: writes {@code <target>.tmp}, fsyncs it,
   * renames it over {@code target} and fsyncs the directory.
   */
  public static void writeAtomically(Path target, ByteBuffer... parts) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        for (ByteBuffer part : parts) {
          while (part.hasRemaining()) {
            ch.write(part);
          }
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the first failure is the one to report
      }
      throw e;
    }
    fsyncDirectory(target.getParent());
  }

  /** fsyncs every regular file directly in {@code dir}, then the directory. */
  public static void fsyncTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        }
      }
    }
    fsyncDirectory(dir);
  }

  /** Deletes a file or a directory with everything below it; nothing if absent. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
        Files.delete(f);
      }
    }
  }
}
