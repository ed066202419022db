package io.baton.admin.impl;

import io.baton.admin.AdminNode;
import io.baton.core.view.NodeStatus;
import io.baton.core.view.RaftStatus;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's state as the admin face reads it: copied on the owner context every second into an
 * immutable {@link Snapshot} (a volatile read for every gauge, health check and page poll), plus
 * what needs the disk (log sizes, a write probe in the data directory) measured on a worker.
 */
public final class StatusBoard {
  /** How often the owner publishes a snapshot. */
  static final long PERIOD_MS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);
  private static final String PROBE = ".baton-admin-probe";

  /**
   * One published state.
   *
   * @param raft       null for a lone node
   * @param takenNanos {@link System#nanoTime()} when the owner copied it
   */
  public record Snapshot(NodeStatus node, RaftStatus raft, long takenMillis, long takenNanos) {
  }

  /** What the last disk look found: log sizes and whether a file could be written. */
  public record Disk(long logBytes, long raftLogBytes, long snapshotBytes, boolean writable, String error,
                     long takenNanos) {
  }

  private final Vertx vertx;
  private final AdminNode node;
  private final Path dataDir;
  private final AtomicBoolean measuring = new AtomicBoolean();
  private volatile java.util.function.Consumer<Snapshot> published = s -> {
  };
  private volatile Snapshot current;
  private volatile Disk disk;
  private volatile long timer = -1;
  private volatile boolean stopped;

  public StatusBoard(Vertx vertx, AdminNode node) {
    this.vertx = vertx;
    this.node = node;
    this.dataDir = node.coordinator().config().dataDir();
  }

  /** Starts publishing, on the owner context. */
  public void start() {
    node.owner().runOnContext(v -> {
      if (!stopped) {
        publish();
        timer = vertx.setPeriodic(PERIOD_MS, id -> publish());
      }
    });
  }

  public void stop() {
    stopped = true;
    long t = timer;
    if (t >= 0) {
      vertx.cancelTimer(t);
    }
  }

  /** Calls {@code listener} with each snapshot published, on the owner context. */
  public void onPublish(java.util.function.Consumer<Snapshot> listener) {
    this.published = listener;
  }

  /** The last published state, or null before the first. */
  public Snapshot current() {
    return current;
  }

  /** The last disk look, or null before the first. */
  public Disk disk() {
    return disk;
  }

  private void publish() {
    try {
      NodeStatus status = node.coordinator().views().status();
      RaftStatus raft = node.replication() == null ? null : node.replication().status();
      current = new Snapshot(status, raft, System.currentTimeMillis(), System.nanoTime());
      published.accept(current);
    } catch (RuntimeException e) {
      LOG.warn("reading the node's status failed: {}", e.toString());
    }
    if (measuring.compareAndSet(false, true)) {
      vertx.executeBlocking(this::measureDisk, false).onComplete(r -> {
        measuring.set(false);
        if (r.succeeded()) {
          disk = r.result();
        }
      });
    }
  }

  private Disk measureDisk() {
    long log = size(node.coordinator().log().dir());
    long raft = size(dataDir.resolve("raft"));
    long snapshots = size(node.coordinator().snapshots().dir());
    Path probe = dataDir.resolve(PROBE);
    try {
      Files.write(probe, new byte[] {1});
      Files.delete(probe);
      return new Disk(log, raft, snapshots, true, null, System.nanoTime());
    } catch (IOException | RuntimeException e) {
      return new Disk(log, raft, snapshots, false, e.toString(), System.nanoTime());
    }
  }

  private static long size(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir, 2)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException gone) {
          return 0;
        }
      }).sum();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
