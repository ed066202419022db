package io.baton.core.replication;

import io.baton.core.error.BatonException;
import io.baton.core.limit.Limits;
import io.baton.core.log.LogCodec;
import io.baton.core.txn.EntryValidator;
import io.baton.schemas.log.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The payload of a replicated Raft entry: the tag of the forwarded request it answers (0 if none,
 * 8 bytes) followed by the Avro-encoded {@link LogEntry}; a leader's empty entry (one per term)
 * carries nothing.
 */
final class EntryPayload {
  private EntryPayload() {
  }

  static byte[] of(long origin, byte[] body) {
    return ByteBuffer.allocate(8 + body.length).putLong(origin).put(body).array();
  }

  static long origin(byte[] payload) {
    return ByteBuffer.wrap(payload).getLong();
  }

  /** The encoded log entry, without the origin. */
  static byte[] body(byte[] payload) {
    byte[] body = new byte[payload.length - 8];
    System.arraycopy(payload, 8, body, 0, body.length);
    return body;
  }

  /**
   * Why one of {@code entries} must not enter this node's log (undecodable, or failing
   * {@link EntryValidator} under {@code limits}), or null if all may.
   */
  static String invalid(List<Entry> entries, LogCodec codec, Limits limits) {
    for (Entry e : entries) {
      byte[] data = e.data();
      if (data.length == 0) {
        continue;
      }
      if (data.length < 8) {
        return "entry " + e.index() + " has a payload of " + data.length + " bytes";
      }
      try {
        EntryValidator.check(codec.decode(body(data)), data.length - 8, limits);
      } catch (IOException | BatonException ex) {
        return "entry " + e.index() + ": " + ex.getMessage();
      }
    }
    return null;
  }
}
