package io.baton.zookeeper.impl;

import io.baton.core.watch.WatchEvent;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.WatcherEvent;

/** ZooKeeper packets: a 4-byte big-endian length, then jute records. */
final class Packets {
  private Packets() {
  }

  /** A reply: its header and, when {@code err} is 0, its body (may be null). */
  static Buffer reply(int xid, long zxid, int err, Record body) {
    return err == 0 && body != null ? of(new ReplyHeader(xid, zxid, err), body) : of(new ReplyHeader(xid, zxid, err));
  }

  /** A watch notification: xid -1, the zxid of the change, the event in state SyncConnected. */
  static Buffer notification(WatchEvent e) {
    return of(new ReplyHeader(Xid.NOTIFICATION, e.zxid(), 0),
        new WatcherEvent(e.type().code(), WatchCodes.SYNC_CONNECTED, e.path()));
  }

  /** {@code records} serialized one after the other, behind their total length. */
  static Buffer of(Record... records) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeInt(0);
      BinaryOutputArchive archive = new BinaryOutputArchive(out);
      for (Record r : records) {
        r.serialize(archive, "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("serializing to memory", e);
    }
    byte[] packet = bytes.toByteArray();
    int length = packet.length - 4;
    packet[0] = (byte) (length >>> 24);
    packet[1] = (byte) (length >>> 16);
    packet[2] = (byte) (length >>> 8);
    packet[3] = (byte) length;
    return Buffer.buffer(packet);
  }

  /** A packet's payload to read records from; nothing in it can be longer than the payload itself. */
  static Input input(Buffer payload) {
    return new Input(payload.getBytes());
  }

  /** Records read from one packet, and what is left of it. */
  static final class Input {
    private final ByteArrayInputStream bytes;
    final BinaryInputArchive archive;

    Input(byte[] payload) {
      this.bytes = new ByteArrayInputStream(payload);
      this.archive = new BinaryInputArchive(new DataInputStream(bytes), payload.length, 0);
    }

    /** Reads one record of the packet into {@code record}; an IOException if the packet ends first. */
    <T extends Record> T read(T record) throws IOException {
      record.deserialize(archive, "");
      return record;
    }

    /** Bytes of the packet not read yet. */
    int remaining() {
      return bytes.available();
    }
  }
}
