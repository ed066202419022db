package io.baton.zookeeper;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ConnectRequest;
import org.apache.zookeeper.proto.RequestHeader;

/** A hand-driven ZooKeeper connection: raw packets, for input no real client sends. */
final class RawZk implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  RawZk(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(5_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  /** Opens a new session with a ConnectRequest (with the readOnly byte); returns the response payload's length. */
  int handshake() throws IOException {
    sendPacket(serialize(new ConnectRequest(0, 0, 10_000, 0, new byte[16], false)));
    return readPacket().length;
  }

  /** Sends {@code payload} behind its length. */
  void sendPacket(byte[] payload) throws IOException {
    out.writeInt(payload.length);
    out.write(payload);
    out.flush();
  }

  /** Sends raw bytes, no framing. */
  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends a request: header {@code xid, type}, then {@code body} (may be null). */
  void request(int xid, int type, Record body) throws IOException {
    sendPacket(body == null ? serialize(new RequestHeader(xid, type)) : serialize(new RequestHeader(xid, type), body));
  }

  /** The next packet's payload (fails after 5 s). */
  byte[] readPacket() throws IOException {
    int length = in.readInt();
    byte[] payload = new byte[length];
    in.readFully(payload);
    return payload;
  }

  /** Whether the node closed the connection (without sending anything more) within 5 s. */
  boolean closedByNode() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException | EOFException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  static byte[] serialize(Record... records) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryOutputArchive archive = new BinaryOutputArchive(new DataOutputStream(bytes));
    for (Record r : records) {
      r.serialize(archive, "");
    }
    return bytes.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
