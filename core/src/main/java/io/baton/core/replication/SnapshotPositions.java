package io.baton.core.replication;

import io.baton.core.log.DurableFiles;
import io.baton.core.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft position (index and term of the last entry held) of each coordinator snapshot: noted when
 * a snapshot is captured, recorded once it is durable, the newest one kept in {@code raft-position}
 * beside the snapshot files so a restarted node can still send it to followers. Owner thread only.
 */
final class SnapshotPositions {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotPositions.class);

  /** A durable coordinator snapshot and the Raft position of the state it holds. */
  record Ref(long index, long term, long zxid, Path file) {
  }

  private final Path file;
  private final Map<Long, long[]> captured = new HashMap<>();
  private Ref latest;

  /** Reads the newest recorded position whose snapshot file still exists. */
  SnapshotPositions(SnapshotStore snapshots) throws IOException {
    this.file = snapshots.dir().resolve("raft-position");
    this.latest = read(file, snapshots);
  }

  /** The newest durable snapshot with its position, or null. */
  Ref latest() {
    return latest;
  }

  /** The snapshot at {@code zxid} holds the state through Raft {@code index} of {@code term}. */
  void captured(long zxid, long index, long term) {
    captured.put(zxid, new long[] {index, term});
  }

  /**
   * The snapshot at {@code zxid} is durable in {@code snapshotFile}: records its position and returns
   * it, or null if its capture was not noted, it is not newer than the latest, or the position could
   * not be written.
   */
  Ref durable(long zxid, Path snapshotFile) {
    long[] position = captured.remove(zxid);
    captured.keySet().removeIf(older -> older < zxid); // captures that failed
    if (position == null || (latest != null && latest.index() >= position[0])) {
      return null; // or older than the newest: a snapshot installed from the leader while it was written
    }
    Ref ref = new Ref(position[0], position[1], zxid, snapshotFile);
    try {
      record(ref);
    } catch (IOException e) {
      LOG.warn("recording the raft position of snapshot 0x{} failed; the log is not compacted",
          Long.toHexString(zxid), e);
      return null;
    }
    return ref;
  }

  /** Records {@code ref} as the newest snapshot (one written here, or installed from the leader). */
  void record(Ref ref) throws IOException {
    String text = ref.index() + " " + ref.term() + " " + ref.zxid() + "\n";
    DurableFiles.writeAtomically(file, ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    latest = ref;
  }

  private static Ref read(Path file, SnapshotStore snapshots) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
    if (parts.length != 3) {
      LOG.warn("ignoring a malformed {}", file);
      return null;
    }
    long zxid = Long.parseLong(parts[2]);
    Path snapshot = snapshots.file(zxid);
    return Files.exists(snapshot) ? new Ref(Long.parseLong(parts[0]), Long.parseLong(parts[1]), zxid, snapshot)
        : null;
  }
}
