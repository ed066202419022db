package io.baton.core.replication;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary wire format of {@link RaftMessage}s between nodes (big-endian):
 * <pre>
 *   frame   = int length, body                    (length of body, 1..maxFrameBytes)
 *   body    = byte version (1), byte type, long from, long to, long term, long index,
 *             long logTerm, long commit, byte reject (0|1), long hint, int count, entry*count
 *   entry   = long index, long term, int length, byte[length] data
 * </pre>
 * Decoding validates everything it reads and throws {@link MalformedMessageException} on a bad
 * frame (unknown version or type, negative ids, terms, indexes or commit, lengths beyond the frame,
 * trailing bytes, entries not consecutive from {@code index + 1}, a SNAPSHOT with entries, an index
 * below 1 or a negative log term), so a peer's garbage can cost a connection but never crash a node.
 * There is no checksum: the transport (TCP, TLS) is trusted for integrity.
 *
 * <p>Version 1 covers every type, SNAPSHOT included: the layout did not change when it was added
 * (a decoder that predates it rejects its frames as an unknown type). A SNAPSHOT frame carries only
 * the snapshot's metadata; the host transfers the snapshot data itself.
 */
public final class RaftCodec {
  public static final byte VERSION = 1;
  /** Default upper bound of a frame's body. */
  public static final int MAX_FRAME_BYTES = 64 << 20;

  /** Bytes of a body besides its entries. */
  static final int FIXED = 1 + 1 + 8 * 6 + 1 + 8 + 4;
  /** Bytes of an entry besides its data. */
  static final int ENTRY_FIXED = 8 + 8 + 4;
  private static final RaftMessage.Type[] TYPES = RaftMessage.Type.values();

  /** A frame or body that is not a valid encoding of a message. */
  public static final class MalformedMessageException extends IOException {
    public MalformedMessageException(String message) {
      super(message);
    }
  }

  private RaftCodec() {
  }

  /** Size of the body of {@code m}. */
  public static int bodySize(RaftMessage m) {
    long size = FIXED;
    for (Entry e : m.entries()) {
      size += ENTRY_FIXED + dataOf(e).length;
    }
    if (size > Integer.MAX_VALUE - 4) {
      throw new IllegalArgumentException("message of " + size + " bytes is too large");
    }
    return (int) size;
  }

  /** The body of {@code m} (version byte first), without the length prefix. */
  public static byte[] encode(RaftMessage m) {
    ByteBuffer b = ByteBuffer.allocate(bodySize(m));
    writeBody(m, b);
    return b.array();
  }

  /** {@code m} as a frame: its body's length, then the body. */
  public static byte[] encodeFrame(RaftMessage m) {
    int size = bodySize(m);
    ByteBuffer b = ByteBuffer.allocate(4 + size);
    b.putInt(size);
    writeBody(m, b);
    return b.array();
  }

  private static void writeBody(RaftMessage m, ByteBuffer b) {
    b.put(VERSION);
    b.put((byte) m.type().ordinal());
    b.putLong(m.from()).putLong(m.to()).putLong(m.term()).putLong(m.index()).putLong(m.logTerm())
        .putLong(m.commit());
    b.put((byte) (m.reject() ? 1 : 0));
    b.putLong(m.hint());
    b.putInt(m.entries().size());
    for (Entry e : m.entries()) {
      byte[] data = dataOf(e);
      b.putLong(e.index()).putLong(e.term()).putInt(data.length).put(data);
    }
  }

  private static byte[] dataOf(Entry e) {
    return e.data() == null ? new byte[0] : e.data();
  }

  /** Decodes a whole body (as produced by {@link #encode}). */
  public static RaftMessage decode(byte[] body) throws MalformedMessageException {
    return decode(ByteBuffer.wrap(body));
  }

  /** Decodes the body in {@code body}'s remaining bytes, all of which it must use. */
  public static RaftMessage decode(ByteBuffer body) throws MalformedMessageException {
    try {
      return readBody(body.slice());
    } catch (BufferUnderflowException e) {
      throw new MalformedMessageException("truncated message");
    }
  }

  /**
   * Decodes the next frame in {@code in}: returns null, leaving {@code in} untouched, if it does not
   * yet hold a whole frame; otherwise consumes the frame and returns its message.
   *
   * @throws MalformedMessageException if the length is out of range (the stream cannot be resynchronized:
   *                                   close the connection) or the body is malformed (the frame is consumed)
   */
  public static RaftMessage decodeFrame(ByteBuffer in) throws MalformedMessageException {
    return decodeFrame(in, MAX_FRAME_BYTES);
  }

  /** {@link #decodeFrame(ByteBuffer)} with a bound on the body size. */
  public static RaftMessage decodeFrame(ByteBuffer in, int maxFrameBytes) throws MalformedMessageException {
    if (in.remaining() < 4) {
      return null;
    }
    int length = in.getInt(in.position());
    if (length < FIXED || length > maxFrameBytes) {
      throw new MalformedMessageException("frame length " + length + " out of range [" + FIXED + ", "
          + maxFrameBytes + "]");
    }
    if (in.remaining() - 4 < length) {
      return null;
    }
    ByteBuffer body = in.slice(in.position() + 4, length);
    in.position(in.position() + 4 + length);
    return decode(body);
  }

  private static RaftMessage readBody(ByteBuffer b) throws MalformedMessageException {
    if (b.remaining() < FIXED) {
      throw new MalformedMessageException("message of " + b.remaining() + " bytes is shorter than " + FIXED);
    }
    byte version = b.get();
    if (version != VERSION) {
      throw new MalformedMessageException("unknown version " + version);
    }
    int t = b.get();
    if (t < 0 || t >= TYPES.length) {
      throw new MalformedMessageException("unknown message type " + t);
    }
    long from = nonNegative(b.getLong(), "from");
    long to = nonNegative(b.getLong(), "to");
    long term = nonNegative(b.getLong(), "term");
    long index = nonNegative(b.getLong(), "index");
    long logTerm = b.getLong();
    long commit = nonNegative(b.getLong(), "commit");
    byte reject = b.get();
    if (reject != 0 && reject != 1) {
      throw new MalformedMessageException("reject flag " + reject);
    }
    long hint = b.getLong();
    int count = b.getInt();
    if (count < 0 || (long) count * ENTRY_FIXED > b.remaining()) {
      throw new MalformedMessageException("entry count " + count + " does not fit in " + b.remaining() + " bytes");
    }
    List<Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (b.remaining() < ENTRY_FIXED) {
        throw new MalformedMessageException("truncated entry " + i);
      }
      long eIndex = b.getLong();
      long eTerm = nonNegative(b.getLong(), "entry term");
      int len = b.getInt();
      if (len < 0 || len > b.remaining()) {
        throw new MalformedMessageException("entry length " + len + " exceeds the " + b.remaining() + " bytes left");
      }
      if (index == Long.MAX_VALUE || eIndex != index + 1 + i) {
        throw new MalformedMessageException("entry " + i + " has index " + eIndex + ", expected " + (index + 1 + i));
      }
      byte[] data = new byte[len];
      b.get(data);
      entries.add(new Entry(eIndex, eTerm, data));
    }
    if (b.hasRemaining()) {
      throw new MalformedMessageException(b.remaining() + " trailing bytes");
    }
    if (TYPES[t] == RaftMessage.Type.SNAPSHOT && (count != 0 || index < 1 || logTerm < 0)) {
      throw new MalformedMessageException("snapshot message with " + count + " entries, index " + index
          + ", log term " + logTerm);
    }
    return new RaftMessage(TYPES[t], from, to, term, index, logTerm, List.copyOf(entries), commit, reject == 1, hint);
  }

  private static long nonNegative(long v, String field) throws MalformedMessageException {
    if (v < 0) {
      throw new MalformedMessageException(field + " is negative: " + v);
    }
    return v;
  }
}
