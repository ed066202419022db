package io.baton.core.replication;

import io.baton.core.acl.Acl;
import io.baton.core.auth.Caller;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.core.replication.RaftCodec.MalformedMessageException;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.MultiFailedException;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.DeleteCause;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames exchanged between the nodes of a cluster: Raft's messages ({@link RaftCodec} bodies), writes
 * a follower forwards to the leader, the leader's refusals of them, and the sessions a follower saw
 * alive. A frame is a type byte and a body; the transport adds the length prefix. Malformed input is
 * refused with {@link MalformedMessageException}.
 */
public final class PeerCodec {
  private static final byte RAFT = 1;
  private static final byte FORWARD = 2;
  private static final byte REJECT = 3;
  private static final byte TOUCH = 4;
  private static final byte SNAPSHOT_CHUNK = 5;

  /** Encoded entry bytes a leader puts in one append message (beyond its first entry, however large). */
  public static final long APPEND_BUDGET_BYTES = 4 << 20;
  /** Bytes of a snapshot file one chunk frame carries. */
  public static final int SNAPSHOT_CHUNK_BYTES = 1 << 20;
  /** Room above the largest entry for a frame's headers, a forwarded command's encoding and entry framing. */
  private static final int FRAME_SLACK = 1 << 20;
  /** Most bytes a forwarded operation's encoding adds to its path and data. */
  private static final long FORWARD_OP_BYTES = 32;

  private PeerCodec() {
  }

  /**
   * The largest frame a member sends to a peer whose {@link Limits} are {@code limits}: an append
   * message of {@link #APPEND_BUDGET_BYTES}, or of one entry of up to {@code maxEntryBytes}, a
   * forwarded command (at most {@code maxRequestBytes} of paths and data), or a snapshot chunk; plus
   * their headers. Nodes of one cluster must share their limits.
   */
  public static int maxFrameBytes(Limits limits) {
    long entry = RaftCodec.ENTRY_FIXED + 8L + limits.maxEntryBytes();
    long forward = limits.maxRequestBytes() + FORWARD_OP_BYTES * limits.maxMultiOps();
    long largest = Math.max(Math.max(APPEND_BUDGET_BYTES, entry), Math.max(forward, SNAPSHOT_CHUNK_BYTES));
    return (int) Math.min(Integer.MAX_VALUE - 8, 1 + RaftCodec.FIXED + largest + FRAME_SLACK);
  }

  /** A decoded frame. */
  public sealed interface Frame permits Raft, Forward, Reject, Touch, SnapshotChunk {
  }

  /**
   * Bytes {@code [offset, offset + data.length)} of the leader's snapshot file (of {@code total}
   * bytes) at Raft position {@code index}/{@code term}; the SNAPSHOT message follows the last one.
   */
  public record SnapshotChunk(long index, long term, long offset, long total, byte[] data) implements Frame {
  }

  /** A Raft message. */
  public record Raft(RaftMessage message) implements Frame {
  }

  /**
   * A client's write a follower hands to the leader under {@code tag} (the follower's id in its high
   * byte), with who sent it ({@code caller}: the leader checks ACLs for it; a peer is trusted once it
   * proved the cluster secret).
   */
  public record Forward(long tag, long sessionId, Command command, Caller caller) implements Frame {
  }

  /** The leader refused the forwarded write {@code tag}. */
  public record Reject(long tag, BatonException error) implements Frame {
  }

  /** Sessions that were active at the sending follower. */
  public record Touch(long[] sessionIds) implements Frame {
  }

  public static byte[] encode(Frame frame) {
    if (frame instanceof Raft r) {
      byte[] body = RaftCodec.encode(r.message());
      byte[] out = new byte[body.length + 1];
      out[0] = RAFT;
      System.arraycopy(body, 0, out, 1, body.length);
      return out;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      if (frame instanceof Forward f) {
        out.writeByte(FORWARD);
        out.writeLong(f.tag());
        out.writeLong(f.sessionId());
        writeCommand(out, f.command());
        writeCaller(out, f.caller());
      } else if (frame instanceof Reject r) {
        out.writeByte(REJECT);
        out.writeLong(r.tag());
        writeError(out, r.error());
      } else if (frame instanceof SnapshotChunk c) {
        out.writeByte(SNAPSHOT_CHUNK);
        out.writeLong(c.index());
        out.writeLong(c.term());
        out.writeLong(c.offset());
        out.writeLong(c.total());
        writeBytes(out, c.data());
      } else {
        Touch t = (Touch) frame;
        out.writeByte(TOUCH);
        out.writeInt(t.sessionIds().length);
        for (long id : t.sessionIds()) {
          out.writeLong(id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Frame decode(byte[] frame) throws MalformedMessageException {
    if (frame.length == 0) {
      throw new MalformedMessageException("empty frame");
    }
    ByteBuffer in = ByteBuffer.wrap(frame, 1, frame.length - 1);
    Frame decoded;
    try {
      decoded = switch (frame[0]) {
        case RAFT -> new Raft(RaftCodec.decode(in.slice()));
        case FORWARD -> new Forward(in.getLong(), in.getLong(), readCommand(in), readCaller(in));
        case REJECT -> new Reject(in.getLong(), readError(in));
        case TOUCH -> {
          int n = count(in, 8);
          long[] ids = new long[n];
          for (int i = 0; i < n; i++) {
            ids[i] = in.getLong();
          }
          yield new Touch(ids);
        }
        case SNAPSHOT_CHUNK -> {
          SnapshotChunk c = new SnapshotChunk(in.getLong(), in.getLong(), in.getLong(), in.getLong(), readBytes(in));
          if (c.data() == null || c.offset() < 0 || c.offset() + c.data().length > c.total()) {
            throw new MalformedMessageException("snapshot chunk outside its file");
          }
          yield c;
        }
        default -> throw new MalformedMessageException("unknown frame type " + frame[0]);
      };
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new MalformedMessageException("truncated or invalid frame: " + e);
    }
    if (frame[0] != RAFT && in.hasRemaining()) {
      throw new MalformedMessageException(in.remaining() + " trailing bytes");
    }
    return decoded;
  }

  // ------------------------------------------------------------------ commands

  private static final byte CREATE = 1;
  private static final byte DELETE = 2;
  private static final byte SET_DATA = 3;
  private static final byte CHECK = 4;
  private static final byte MULTI = 5;
  private static final byte OPEN_SESSION = 6;
  private static final byte CLOSE_SESSION = 7;
  private static final byte REAP = 8;
  private static final byte SET_ACL = 9;
  /** Most identities a forwarded caller may carry, and most entries of an ACL. */
  private static final int MAX_IDENTITIES = 1024;

  private static void writeCommand(DataOutputStream out, Command c) throws IOException {
    if (c instanceof Op.Create op) {
      out.writeByte(CREATE);
      writeString(out, op.path());
      writeBytes(out, op.data());
      out.writeByte(op.mode().ordinal());
      out.writeLong(op.ttl());
      out.writeBoolean(op.createParents());
      writeAcl(out, op.acl());
    } else if (c instanceof Op.Delete op) {
      out.writeByte(DELETE);
      writeString(out, op.path());
      out.writeInt(op.version());
    } else if (c instanceof Op.SetData op) {
      out.writeByte(SET_DATA);
      writeString(out, op.path());
      writeBytes(out, op.data());
      out.writeInt(op.version());
    } else if (c instanceof Op.Check op) {
      out.writeByte(CHECK);
      writeString(out, op.path());
      out.writeInt(op.version());
    } else if (c instanceof Command.Multi m) {
      out.writeByte(MULTI);
      out.writeInt(m.ops().size());
      for (Op op : m.ops()) {
        writeCommand(out, op);
      }
    } else if (c instanceof Command.OpenSession o) {
      out.writeByte(OPEN_SESSION);
      out.writeInt(o.requestedTimeoutMs());
    } else if (c instanceof Command.CloseSession cs) {
      out.writeByte(CLOSE_SESSION);
      out.writeLong(cs.sessionId());
      out.writeByte(cs.reason().ordinal());
    } else if (c instanceof Command.SetAcl s) {
      out.writeByte(SET_ACL);
      writeString(out, s.path());
      writeAcl(out, s.acl());
      out.writeInt(s.version());
    } else {
      Command.Reap r = (Command.Reap) c;
      out.writeByte(REAP);
      writeString(out, r.path());
      out.writeByte(r.cause().ordinal());
    }
  }

  private static Command readCommand(ByteBuffer in) throws MalformedMessageException {
    byte kind = in.get();
    return switch (kind) {
      case CREATE -> new Op.Create(readString(in), readBytes(in), enumAt(CreateMode.values(), in.get()), in.getLong(),
          readBoolean(in), readAcl(in));
      case SET_ACL -> new Command.SetAcl(readString(in), readAcl(in), in.getInt());
      case DELETE -> new Op.Delete(readString(in), in.getInt());
      case SET_DATA -> new Op.SetData(readString(in), readBytes(in), in.getInt());
      case CHECK -> new Op.Check(readString(in), in.getInt());
      case MULTI -> {
        int n = count(in, 1);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          if (!(readCommand(in) instanceof Op op)) {
            throw new MalformedMessageException("a multi holds only operations");
          }
          ops.add(op);
        }
        yield new Command.Multi(ops);
      }
      case OPEN_SESSION -> new Command.OpenSession(in.getInt());
      case CLOSE_SESSION -> new Command.CloseSession(in.getLong(), enumAt(CloseReason.values(), in.get()));
      case REAP -> new Command.Reap(readString(in), enumAt(DeleteCause.values(), in.get()));
      default -> throw new MalformedMessageException("unknown command kind " + kind);
    };
  }

  private static void writeAcl(DataOutputStream out, List<Acl> acl) throws IOException {
    out.writeInt(acl.size());
    for (Acl a : acl) {
      out.writeInt(a.perms());
      writeString(out, a.id().scheme());
      writeString(out, a.id().id());
    }
  }

  private static List<Acl> readAcl(ByteBuffer in) throws MalformedMessageException {
    int n = in.getInt();
    if (n < 0 || n > MAX_IDENTITIES) {
      throw new MalformedMessageException("an ACL of " + n + " entries");
    }
    List<Acl> acl = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int perms = in.getInt();
      acl.add(new Acl(perms, identity(readString(in), readString(in))));
    }
    return acl;
  }

  private static void writeCaller(DataOutputStream out, Caller caller) throws IOException {
    out.writeBoolean(caller.superUser());
    out.writeInt(caller.identities().size());
    for (Identity i : caller.identities()) {
      writeString(out, i.scheme());
      writeString(out, i.id());
    }
  }

  private static Caller readCaller(ByteBuffer in) throws MalformedMessageException {
    boolean superUser = readBoolean(in);
    int n = in.getInt();
    if (n < 0 || n > MAX_IDENTITIES) {
      throw new MalformedMessageException("a caller with " + n + " identities");
    }
    java.util.Set<Identity> ids = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(identity(readString(in), readString(in)));
    }
    return new Caller(ids, superUser);
  }

  private static Identity identity(String scheme, String id) throws MalformedMessageException {
    try {
      return new Identity(scheme, id);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException("an identity without a scheme");
    }
  }

  // ------------------------------------------------------------------ errors

  private static void writeError(DataOutputStream out, BatonException e) throws IOException {
    out.writeInt(e.code().value());
    writeString(out, e.getMessage());
    if (e instanceof MultiFailedException mf) {
      out.writeInt(mf.failedIndex());
      out.writeInt(mf.results().size());
      for (OpResult r : mf.results()) {
        OpResult.Error err = (OpResult.Error) r;
        out.writeInt(err.code().value());
        writeString(out, err.message());
      }
    } else {
      out.writeInt(-1);
    }
  }

  private static BatonException readError(ByteBuffer in) throws MalformedMessageException {
    int code = in.getInt();
    String message = readString(in);
    int failedIndex = in.getInt();
    if (failedIndex < 0) {
      return BatonException.fromReply(code, message);
    }
    int n = count(in, 8);
    List<OpResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      results.add(new OpResult.Error(ErrorCode.of(in.getInt()), readString(in)));
    }
    String prefix = ErrorCode.of(code).displayName() + ": op " + failedIndex + ": ";
    String cause = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    return new MultiFailedException(BatonException.fromReply(code, cause), failedIndex, results);
  }

  // ------------------------------------------------------------------ primitives

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(ByteBuffer in) throws MalformedMessageException {
    byte[] b = readBytes(in);
    if (b == null) {
      throw new MalformedMessageException("missing string");
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(ByteBuffer in) throws MalformedMessageException {
    int n = in.getInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > in.remaining()) {
      throw new MalformedMessageException("length " + n + " exceeds the " + in.remaining() + " bytes left");
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  private static boolean readBoolean(ByteBuffer in) throws MalformedMessageException {
    byte b = in.get();
    if (b != 0 && b != 1) {
      throw new MalformedMessageException("bad boolean " + b);
    }
    return b == 1;
  }

  private static int count(ByteBuffer in, int minBytesEach) throws MalformedMessageException {
    int n = in.getInt();
    if (n < 0 || (long) n * minBytesEach > in.remaining()) {
      throw new MalformedMessageException("count " + n + " exceeds the frame");
    }
    return n;
  }

  private static <E> E enumAt(E[] values, byte ordinal) throws MalformedMessageException {
    if (ordinal < 0 || ordinal >= values.length) {
      throw new MalformedMessageException("bad enum ordinal " + ordinal);
    }
    return values[ordinal];
  }
}
