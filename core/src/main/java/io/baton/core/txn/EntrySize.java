package io.baton.core.txn;

import io.baton.core.limit.Limits;
import io.baton.core.tree.Paths;
import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.AclEntry;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetACLTxn;
import io.baton.schemas.log.SetDataTxn;
import java.util.List;

/**
 * An upper bound of the encoded size of a log entry, computed from its transactions before it is
 * encoded (Avro single-object encoding: a 10-byte header, varint lengths of at most 5 bytes, longs of
 * at most 10). {@link TxnPreparer} keeps every entry's bound under {@code maxEntryBytes}, so an entry
 * always fits in a log excerpt.
 */
public final class EntrySize {
  /** Header, zxid, time, the union index and a multi's array framing. */
  static final int ENTRY = 64;
  /** Any one transaction except its path and data bytes. */
  static final int TXN = 32;
  /** One path of a close entry's ephemeral list except its bytes. */
  static final int EPHEMERAL = 8;

  private EntrySize() {
  }

  /** The bound for one transaction (a multi: all of its operations). */
  public static long of(Object txn) {
    if (txn instanceof CreateTxn c) {
      return TXN + Paths.utf8Length(c.getPath()) + c.getData().remaining() + acl(c.getAcl());
    } else if (txn instanceof SetACLTxn s) {
      return TXN + Paths.utf8Length(s.getPath()) + acl(s.getAcl());
    } else if (txn instanceof SetDataTxn s) {
      return TXN + Paths.utf8Length(s.getPath()) + s.getData().remaining();
    } else if (txn instanceof DeleteTxn d) {
      return TXN + Paths.utf8Length(d.getPath());
    } else if (txn instanceof CheckTxn c) {
      return TXN + Paths.utf8Length(c.getPath());
    } else if (txn instanceof MultiTxn m) {
      long n = TXN;
      for (Object op : m.getOps()) {
        n += of(op);
      }
      return n;
    } else if (txn instanceof CloseSessionTxn c) {
      long n = TXN;
      for (String p : c.getEphemerals()) {
        n += ephemeral(p);
      }
      return n;
    }
    return TXN;
  }

  /** An ACL's encoded size: per entry perms and two length-prefixed strings. */
  private static long acl(List<AclEntry> acl) {
    long n = 5;
    for (AclEntry a : acl) {
      n += 15 + Paths.utf8Length(a.getScheme()) + Paths.utf8Length(a.getId());
    }
    return n;
  }

  /** The bound for a whole entry holding {@code txn}. */
  public static long ofEntry(Object txn) {
    return ENTRY + of(txn);
  }

  /** What one ephemeral path adds to the entry that closes its session. */
  static long ephemeral(String path) {
    return EPHEMERAL + Paths.utf8Length(path);
  }

  /** What {@code count} ephemeral paths of {@code bytes} UTF-8 bytes in all add to a close entry. */
  static long ephemerals(int count, long bytes) {
    return (long) EPHEMERAL * count + bytes;
  }

  /** The most a session's ephemeral paths may add to its close entry, so that entry stays under maxEntryBytes. */
  static long closeBudget(Limits limits) {
    return limits.maxEntryBytes() - ENTRY - TXN;
  }
}
