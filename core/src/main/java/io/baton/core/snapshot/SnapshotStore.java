package io.baton.core.snapshot;

import io.baton.core.acl.Acl;
import io.baton.core.auth.Identity;
import io.baton.core.log.DurableFiles;
import io.baton.core.session.SessionTable;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.Stat;
import io.baton.core.tree.TreeCapture;
import io.baton.core.tree.Znode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the tree and session table in {@code snapshot.<zxid-hex>} files. A snapshot is
 * serialized on the owner thread a slice at a time ({@link #begin}) into an {@link ImageSink}: in
 * production an {@link ImageWriter}, which writes each chunk to a temp file on a worker as the capture
 * goes, then fsyncs and renames it into place; a CRC32C trailer lets recovery skip a damaged file and
 * fall back to an older one.
 */
public final class SnapshotStore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
  private static final long MAGIC = 0x4241544f4e534e50L; // "BATONSNP"
  /** 2: each node's ACL follows its stat; 1 (read only): nodes without ACLs (open to all). */
  private static final int FORMAT = 2;
  private static final String PREFIX = "snapshot.";

  private final Path dir;

  public SnapshotStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
  }

  /** A snapshot loaded from disk. */
  public record Loaded(long zxid, DataTree tree, SessionTable sessions, Path file) {
  }

  /**
   * Starts serializing the state as of {@code zxid} into {@code sink}, on the thread that owns it: the
   * header and the session table now, the tree a slice per {@link Capture#step} while it goes on
   * changing ({@link TreeCapture}). Only copies bytes (no checksum, no ordering of children).
   */
  public static Capture begin(long zxid, DataTree tree, SessionTable sessions, ImageSink sink) {
    ImageBuffer out = new ImageBuffer(sink);
    out.putLong(MAGIC);
    out.putInt(FORMAT);
    out.putLong(zxid);
    out.putLong(sessions.highestId());
    Map<Long, Integer> open = sessions.sessions();
    out.putInt(open.size());
    for (Map.Entry<Long, Integer> s : open.entrySet()) {
      out.putLong(s.getKey());
      out.putInt(s.getValue());
    }
    out.putLong(tree.nodeCount());
    return new Capture(zxid, out, tree);
  }

  /** A snapshot being captured: {@link #step} until it returns true, then {@link #finish}. */
  public static final class Capture {
    private final ImageBuffer out;
    private final TreeCapture walk;

    private Capture(long zxid, ImageBuffer out, DataTree tree) {
      this.out = out;
      this.walk = tree.capture(zxid, new TreeCapture.Records() {
        @Override
        public void write(byte[] path, int length, Znode node) {
          putNode(out, tree, path, length, node);
        }

        @Override
        public byte[] record(byte[] path, int length, Znode node) {
          Record one = new Record(recordBound(tree, length, node));
          ImageBuffer record = new ImageBuffer(one);
          putNode(record, tree, path, length, node);
          record.flush();
          return one.bytes;
        }

        @Override
        public void write(byte[] record) {
          out.put(record, record.length);
        }
      });
    }

    /** Writes up to about {@code budget} more nodes; true once the whole tree is written. */
    public boolean step(int budget) {
      return walk.step(budget);
    }

    /** Stops a capture that failed or is no longer wanted (the tree stops keeping records for it). */
    public void abandon() {
      walk.abandon();
    }

    /** Hands the last, partly filled chunk to the sink (after {@link #step} returned true); returns the image's length. */
    public long finish() {
      return out.flush();
    }
  }

  private static void putNode(ImageBuffer out, DataTree tree, byte[] path, int length, Znode node) {
    Stat st = node.stat();
    out.putInt(length);
    out.put(path, length);
    out.putData(node);
    out.putLong(st.czxid());
    out.putLong(st.mzxid());
    out.putLong(st.pzxid());
    out.putLong(st.ctime());
    out.putLong(st.mtime());
    out.putInt(st.version());
    out.putInt(node.cversion()); // creates counted, not the cversion reported
    out.putInt(st.aversion());
    out.putLong(node.ephemeralOwner()); // with container and TTL markers, which the stat does not show
    List<Acl> acl = tree.acl(node);
    boolean openToAll = acl.size() == 1 && acl.get(0).equals(Acl.OPEN);
    out.putInt(openToAll ? 0 : acl.size());
    for (int i = 0; !openToAll && i < acl.size(); i++) {
      Acl a = acl.get(i);
      out.putInt(a.perms());
      byte[] scheme = a.id().scheme().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] id = a.id().id().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.putInt(scheme.length);
      out.put(scheme, scheme.length);
      out.putInt(id.length);
      out.put(id, id.length);
    }
  }

  /** The sink of one node's record: a single chunk of at least its size ({@link #recordBound}). */
  private static final class Record implements ImageSink {
    private final int size;
    private byte[] bytes;

    Record(int size) {
      this.size = size;
    }

    @Override
    public byte[] buffer() {
      return new byte[size];
    }

    @Override
    public void accept(byte[] chunk, int n) {
      if (bytes != null) {
        throw new IllegalStateException("a node's record outgrew its bound of " + size + " bytes");
      }
      bytes = n == chunk.length ? chunk : Arrays.copyOf(chunk, n);
    }
  }

  /** At least the bytes {@link #putNode} writes for {@code node}: its fixed fields, path, data and ACL (UTF-8 at most 3 bytes a char). */
  private static int recordBound(DataTree tree, int pathLength, Znode node) {
    int bound = 80 + pathLength + node.dataLength();
    for (Acl a : tree.acl(node)) {
      bound += 12 + 3 * (a.id().scheme().length() + a.id().id().length());
    }
    return bound;
  }

  /** A big-endian writer into the sink's chunks, without synchronization. */
  private static final class ImageBuffer {
    private final ImageSink sink;
    private byte[] buf;
    private int pos;
    private long full;

    ImageBuffer(ImageSink sink) {
      this.sink = sink;
      this.buf = sink.buffer();
    }

    private void next() {
      sink.accept(buf, pos);
      full += pos;
      buf = sink.buffer();
      pos = 0;
    }

    void putInt(int v) {
      if (buf.length - pos < 4) {
        put(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}, 4);
        return;
      }
      buf[pos++] = (byte) (v >>> 24);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void putLong(long v) {
      putInt((int) (v >>> 32));
      putInt((int) v);
    }

    void put(byte[] b, int length) {
      int at = 0;
      while (at < length) {
        if (pos == buf.length) {
          next();
        }
        int n = Math.min(length - at, buf.length - pos);
        System.arraycopy(b, at, buf, pos, n);
        pos += n;
        at += n;
      }
    }

    void putData(Znode node) {
      int length = node.dataLength();
      putInt(length);
      if (length <= buf.length - pos) {
        node.copyData(buf, pos);
        pos += length;
      } else {
        byte[] data = new byte[length];
        node.copyData(data, 0);
        put(data, length);
      }
    }

    /** Hands the partly filled chunk to the sink; returns the bytes written in all. */
    long flush() {
      long all = full + pos;
      sink.accept(buf, pos);
      buf = null;
      return all;
    }
  }

  /** A writer of the snapshot file at {@code zxid}, whose file work runs on {@code worker}. */
  public ImageWriter writer(long zxid, Executor worker) {
    return new ImageWriter(file(zxid), worker);
  }

  /**
   * Deletes the temp files of snapshots a node stopped writing (it crashed or was killed); call with
   * the data directory locked, before snapshots are taken. Blocking.
   */
  public void removeUnfinished() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(".tmp");
      }).toList()) {
        LOG.info("removing {}, a snapshot not finished", f.getFileName());
        Files.deleteIfExists(f);
      }
    }
  }

  /** Snapshot zxids on disk, newest first. */
  public List<Long> list() throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(PREFIX) && !n.endsWith(".tmp"))
          .forEach(n -> {
            try {
              out.add(Long.parseUnsignedLong(n.substring(PREFIX.length()), 16));
            } catch (NumberFormatException ignored) {
              // not ours
            }
          });
    }
    out.sort(Comparator.reverseOrder());
    return out;
  }

  /** Loads the newest snapshot that passes its checksum; damaged ones are skipped with a warning. */
  public Optional<Loaded> loadNewest() throws IOException {
    for (long zxid : list()) {
      Path file = dir.resolve(fileName(zxid));
      try {
        return Optional.of(load(file));
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping damaged snapshot {}: {}", file.getFileName(), e.toString());
      }
    }
    return Optional.empty();
  }

  /**
   * Verifies and loads a snapshot received from another node ({@code received}, written in full
   * and fsynced by the caller), then moves it into this store under its own zxid. Blocking.
   */
  public Loaded adopt(Path received) throws IOException {
    Loaded loaded = load(received);
    Path target = dir.resolve(fileName(loaded.zxid()));
    Files.move(received, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    DurableFiles.fsyncDirectory(dir);
    return new Loaded(loaded.zxid(), loaded.tree(), loaded.sessions(), target);
  }

  /** Where the snapshot at {@code zxid} is (or would be) stored. */
  public Path file(long zxid) {
    return dir.resolve(fileName(zxid));
  }

  /** The directory of the snapshot files (a received snapshot is written here before it is adopted). */
  public Path dir() {
    return dir;
  }

  /** Loads (and verifies) one snapshot file. Blocking. */
  public static Loaded load(Path file) throws IOException {
    verifyChecksum(file);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      if (in.readLong() != MAGIC) {
        throw new IOException("not a Baton snapshot");
      }
      int format = in.readInt();
      if (format != FORMAT && format != 1) {
        throw new IOException("unsupported snapshot format " + format);
      }
      long zxid = in.readLong();
      SessionTable sessions = new SessionTable();
      sessions.restoreHighestId(in.readLong());
      int sessionCount = in.readInt();
      for (int i = 0; i < sessionCount; i++) {
        sessions.open(in.readLong(), in.readInt());
      }
      DataTree tree = new DataTree();
      DataTree.Restorer restorer = tree.restorer();
      long nodes = in.readLong();
      for (long i = 0; i < nodes; i++) {
        String path = new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
        byte[] data = readBytes(in);
        long czxid = in.readLong();
        long mzxid = in.readLong();
        long pzxid = in.readLong();
        long ctime = in.readLong();
        long mtime = in.readLong();
        int version = in.readInt();
        int cversion = in.readInt();
        int aversion = in.readInt();
        long owner = in.readLong();
        List<Acl> acl = List.of();
        if (format >= 2) {
          int entries = in.readInt();
          if (entries < 0 || entries > 1024) {
            throw new IOException("damaged snapshot: an ACL of " + entries + " entries");
          }
          List<Acl> read = new ArrayList<>(entries);
          for (int e = 0; e < entries; e++) {
            int perms = in.readInt();
            String scheme = new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
            String id = new String(readBytes(in), java.nio.charset.StandardCharsets.UTF_8);
            read.add(new Acl(perms, new Identity(scheme, id)));
          }
          acl = read;
        }
        restorer.restore(path, data, new Stat(czxid, mzxid, ctime, mtime, version, cversion, aversion, owner,
            data.length, 0, pzxid), acl);
      }
      restorer.finish();
      return new Loaded(zxid, tree, sessions, file);
    } catch (EOFException e) {
      throw new IOException("truncated snapshot", e);
    }
  }

  /** Checks the CRC32C trailer over the whole file (one sequential pass) before parsing it. */
  private static void verifyChecksum(Path file) throws IOException {
    long size = Files.size(file);
    if (size < 8) {
      throw new IOException("truncated snapshot");
    }
    CRC32C crc = new CRC32C();
    byte[] buf = new byte[1 << 20];
    long remaining = size - 8;
    try (InputStream in = Files.newInputStream(file)) {
      while (remaining > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
        if (n < 0) {
          throw new IOException("truncated snapshot");
        }
        crc.update(buf, 0, n);
        remaining -= n;
      }
      long stored = new DataInputStream(in).readLong();
      if (stored != crc.getValue()) {
        throw new IOException("checksum mismatch");
      }
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > (1 << 30)) {
      throw new IOException("bad length " + len);
    }
    byte[] b = new byte[len];
    in.readFully(b);
    return b;
  }

  /** Deletes all but the newest {@code keep} snapshots; returns the oldest kept zxid (or -1). */
  public long retain(int keep) throws IOException {
    List<Long> all = list();
    for (int i = keep; i < all.size(); i++) {
      Files.deleteIfExists(dir.resolve(fileName(all.get(i))));
      LOG.info("purged snapshot {}", fileName(all.get(i)));
    }
    return all.isEmpty() ? -1 : all.get(Math.min(keep, all.size()) - 1);
  }

  static String fileName(long zxid) {
    return PREFIX + String.format("%016x", zxid);
  }

}
