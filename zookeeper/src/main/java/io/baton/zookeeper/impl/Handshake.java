package io.baton.zookeeper.impl;

import io.vertx.core.buffer.Buffer;
import java.io.EOFException;
import java.io.IOException;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectResponse;

/**
 * The first packet of a connection, ZooKeeper's ConnectRequest, and the ConnectResponse to it. Old
 * clients send no trailing {@code readOnly} byte; they are answered without it too (ZooKeeper's
 * {@code ProtocolManager}). Anything else as a first packet is refused: a request before the
 * handshake, bytes that are no ZooKeeper client's.
 */
final class Handshake {
  /** Length of a session password: Baton's session secret. */
  static final int PASSWORD_BYTES = 16;
  private static final byte[] NO_PASSWORD = new byte[PASSWORD_BYTES];

  private Handshake() {
  }

  /** A client's ConnectRequest; {@code readOnly} is null when the client sent none. */
  record Connect(long lastZxidSeen, int timeoutMs, long sessionId, byte[] password, Boolean readOnly) {
  }

  /** Why a first packet is not a ConnectRequest. */
  static final class NotAHandshake extends Exception {
    NotAHandshake(String why) {
      super(why, null, false, false);
    }
  }

  /** Decodes a first packet; fails unless it is exactly a ConnectRequest of protocol version 0. */
  static Connect decode(Buffer payload) throws NotAHandshake {
    Packets.Input in = Packets.input(payload);
    try {
      int protocolVersion = in.archive.readInt("protocolVersion");
      long lastZxidSeen = in.archive.readLong("lastZxidSeen");
      int timeout = in.archive.readInt("timeOut");
      long sessionId = in.archive.readLong("sessionId");
      byte[] password = in.archive.readBuffer("passwd");
      Boolean readOnly = in.remaining() > 0 ? in.archive.readBool("readOnly") : null;
      if (protocolVersion != 0) {
        throw new NotAHandshake("protocol version " + protocolVersion + " (0 expected)");
      }
      if (in.remaining() > 0) {
        throw new NotAHandshake(in.remaining() + " bytes after a ConnectRequest");
      }
      if (password == null || password.length > PASSWORD_BYTES) {
        throw new NotAHandshake("a session password of " + (password == null ? "no" : password.length)
            + " bytes (at most " + PASSWORD_BYTES + ")");
      }
      return new Connect(lastZxidSeen, timeout, sessionId, password, readOnly);
    } catch (EOFException e) {
      throw new NotAHandshake("it ends before a ConnectRequest's fields do (" + payload.length() + " bytes)");
    } catch (IOException e) {
      throw new NotAHandshake("not a ConnectRequest: " + e.getMessage());
    }
  }

  /** The answer to {@code connect}: the session, its negotiated timeout and password, in the request's shape. */
  static Buffer accepted(Connect connect, long sessionId, int timeoutMs, byte[] password) {
    return response(connect, timeoutMs, sessionId, password);
  }

  /** ZooKeeper's answer to a resume of an unknown or expired session, or with a wrong password. */
  static Buffer expired(Connect connect) {
    return response(connect, 0, 0, NO_PASSWORD);
  }

  private static Buffer response(Connect connect, int timeoutMs, long sessionId, byte[] password) {
    if (connect.readOnly() != null) {
      return Packets.of(new ConnectResponse(0, timeoutMs, sessionId, password, false));
    }
    return Packets.of(new WithoutReadOnly(timeoutMs, sessionId, password));
  }

  /** A ConnectResponse for a client that sent no readOnly byte: the same fields, without it. */
  private record WithoutReadOnly(int timeoutMs, long sessionId, byte[] password) implements Record {
    @Override
    public void serialize(org.apache.jute.OutputArchive archive, String tag) throws IOException {
      archive.startRecord(this, tag);
      archive.writeInt(0, "protocolVersion");
      archive.writeInt(timeoutMs, "timeOut");
      archive.writeLong(sessionId, "sessionId");
      archive.writeBuffer(password, "passwd");
      archive.endRecord(this, tag);
    }

    @Override
    public void deserialize(org.apache.jute.InputArchive archive, String tag) {
      throw new UnsupportedOperationException("written only");
    }
  }
}
