package io.baton.core.replication;

import io.baton.core.server.Scheduler;
import io.baton.core.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the snapshot file a leader streams to this follower in chunks: a transfer starts at offset
 * 0 with a total the data directory's file system has room for, and every later chunk must continue
 * it where it stopped (same sender, index, term and total). Chunks are written on a worker thread;
 * once the file is whole it is synced, verified and loaded, and handed over. A refused chunk from the
 * transfer's own sender discards the transfer and its {@code .part} file. Owner thread only.
 */
final class SnapshotReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotReceiver.class);

  /** Where a received snapshot goes: the loaded snapshot, or the reason it is unusable. */
  interface Received {
    void received(long from, long index, long term, SnapshotStore.Loaded loaded, Exception failure);
  }

  /** A snapshot file being received. */
  private static final class Incoming {
    final long from;
    final long index;
    final long term;
    final long total;
    final Path path;
    final FileChannel channel;
    /** Bytes accepted in order so far, and bytes of them already written to the file. */
    long received;
    long written;

    Incoming(long from, PeerCodec.SnapshotChunk first, Path path) throws IOException {
      this.from = from;
      this.index = first.index();
      this.term = first.term();
      this.total = first.total();
      this.path = path;
      this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    }
  }

  private final long id;
  private final Scheduler scheduler;
  private final SnapshotStore store;
  private final Received received;
  private Incoming incoming;

  SnapshotReceiver(long id, Scheduler scheduler, SnapshotStore store, Received received) {
    this.id = id;
    this.scheduler = scheduler;
    this.store = store;
    this.received = received;
  }

  /**
   * A chunk arrived from {@code from}; {@code refused} is why the replication refuses it already (not
   * from the leader of this node's term, not beyond what it applied), or null.
   */
  void chunk(long from, PeerCodec.SnapshotChunk c, String refused) {
    String why = refused != null ? refused : transferRefusal(from, c);
    if (why != null) {
      LOG.warn("node {}: dropping a snapshot chunk from node {} (index {} term {}, bytes {}+{} of {}): {}", id, from,
          c.index(), c.term(), c.offset(), c.data().length, c.total(), why);
      if (incoming != null && incoming.from == from) {
        discard(); // that sender's transfer is broken; another sender's is left alone
      }
      return;
    }
    try {
      if (c.offset() == 0) {
        discard();
        incoming = new Incoming(from, c, store.dir().resolve("incoming-" + c.index() + ".part"));
      }
      Incoming in = incoming;
      in.received += c.data().length;
      // positional writes on a worker: chunks may land in any order, the owner counts them
      scheduler.runBlocking(() -> {
        IOException failure = null;
        try {
          ByteBuffer data = ByteBuffer.wrap(c.data());
          while (data.hasRemaining()) {
            in.channel.write(data, c.offset() + data.position());
          }
        } catch (IOException e) {
          failure = e;
        }
        IOException f = failure;
        scheduler.runOnOwner(() -> written(in, c.data().length, f));
      });
    } catch (IOException e) {
      LOG.warn("node {}: receiving a snapshot from node {} failed", id, from, e);
      discard();
    }
  }

  /** Why a chunk does not start or continue a transfer, or null if it does. */
  private String transferRefusal(long from, PeerCodec.SnapshotChunk c) {
    if (c.data().length == 0) {
      return "an empty chunk";
    }
    if (c.offset() == 0) {
      long room;
      try {
        room = Files.getFileStore(store.dir()).getUsableSpace();
      } catch (IOException e) {
        return "the free space of the snapshot directory is unknown: " + e.getMessage();
      }
      return c.total() < room ? null : "a snapshot of " + c.total() + " bytes does not fit in the " + room
          + " bytes free";
    }
    Incoming in = incoming;
    if (in == null || in.from != from || in.index != c.index() || in.term != c.term() || in.total != c.total()) {
      return "no transfer of this snapshot is under way";
    }
    return c.offset() == in.received ? null : "expected offset " + in.received;
  }

  private void written(Incoming in, int length, IOException failure) {
    if (incoming != in) {
      return; // superseded by a newer transfer (its channel was closed)
    }
    if (failure != null) {
      LOG.warn("node {}: writing a snapshot from node {} failed", id, in.from, failure);
      discard();
      return;
    }
    in.written += length;
    if (in.written < in.total) {
      return;
    }
    incoming = null;
    scheduler.runBlocking(() -> {
      SnapshotStore.Loaded loaded = null;
      Exception error = null;
      try {
        in.channel.force(true);
        in.channel.close();
        loaded = store.adopt(in.path);
      } catch (IOException | RuntimeException e) {
        error = e;
      }
      SnapshotStore.Loaded result = loaded;
      Exception f = error;
      scheduler.runOnOwner(() -> received.received(in.from, in.index, in.term, result, f));
    });
  }

  /** Drops the transfer under way, if any, and its partial file. */
  void discard() {
    Incoming in = incoming;
    incoming = null;
    if (in != null) {
      try {
        in.channel.close();
        Files.deleteIfExists(in.path);
      } catch (IOException e) {
        LOG.debug("discarding a partial snapshot failed", e);
      }
    }
  }
}
