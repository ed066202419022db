package io.baton.core.stream;

import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateSessionTxn;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetDataTxn;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Derives {@link ChangeEvent}s from a log entry; needs no state because entries are resolved. */
public final class ChangeEvents {
  private ChangeEvents() {
  }

  public static List<ChangeEvent> of(LogEntry entry) {
    List<ChangeEvent> out = new ArrayList<>(2);
    add(entry.getZxid(), entry.getTime(), entry.getTxn(), out);
    return out;
  }

  private static void add(long zxid, long time, Object txn, List<ChangeEvent> out) {
    if (txn instanceof CreateTxn c) {
      out.add(new ChangeEvent(zxid, time, ChangeEvent.Kind.NODE_CREATED, c.getPath(), c.getEphemeralOwner(), 0,
          bytes(c.getData()), null));
    } else if (txn instanceof SetDataTxn s) {
      out.add(new ChangeEvent(zxid, time, ChangeEvent.Kind.NODE_DATA_CHANGED, s.getPath(), 0, s.getVersion(),
          bytes(s.getData()), null));
    } else if (txn instanceof DeleteTxn d) {
      out.add(new ChangeEvent(zxid, time, ChangeEvent.Kind.NODE_DELETED, d.getPath(), 0, -1, null,
          d.getCause().name()));
    } else if (txn instanceof MultiTxn m) {
      for (Object op : m.getOps()) {
        add(zxid, time, op, out);
      }
    } else if (txn instanceof CreateSessionTxn s) {
      out.add(new ChangeEvent(zxid, time, ChangeEvent.Kind.SESSION_OPENED, null, s.getSessionId(), s.getTimeoutMs(),
          null, null));
    } else if (txn instanceof CloseSessionTxn s) {
      for (String path : s.getEphemerals()) {
        out.add(new ChangeEvent(zxid, time, ChangeEvent.Kind.NODE_DELETED, path, s.getSessionId(), -1, null,
            "SESSION_" + s.getReason().name()));
      }
      out.add(new ChangeEvent(zxid, time, ChangeEvent.Kind.SESSION_CLOSED, null, s.getSessionId(), 0, null,
          s.getReason().name()));
    } else if (!(txn instanceof CheckTxn) && !(txn instanceof io.baton.schemas.log.SetACLTxn)) {
      throw new IllegalArgumentException("unknown txn " + txn);
    }
  }

  /** The bytes of an Avro {@code bytes} value, without copying when it wraps a whole array. */
  public static byte[] bytes(ByteBuffer b) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
      return b.array();
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
