package io.baton.core.txn;

import io.baton.core.acl.Acl;
import java.util.List;

/**
 * The state a path will have once the entries already logged but not yet applied are applied
 * (ZooKeeper's {@code ChangeRecord}). {@code exists == false} records a pending delete.
 */
final class ChangeRecord {
  final String path;
  final long zxid;
  final boolean exists;
  final int version;
  final int cversion;
  final int numChildren;
  final long ephemeralOwner;
  final long mtime;
  /** The node's ACL (empty: open to all) and ACL version. */
  final List<Acl> acl;
  final int aversion;
  /** Bytes of the node's data (what a quota counts). */
  final int dataLength;

  ChangeRecord(String path, long zxid, boolean exists, int version, int cversion, int numChildren,
               long ephemeralOwner, long mtime, List<Acl> acl, int aversion, int dataLength) {
    this.path = path;
    this.zxid = zxid;
    this.exists = exists;
    this.version = version;
    this.cversion = cversion;
    this.numChildren = numChildren;
    this.ephemeralOwner = ephemeralOwner;
    this.mtime = mtime;
    this.acl = acl;
    this.aversion = aversion;
    this.dataLength = dataLength;
  }

  static ChangeRecord deleted(String path, long zxid) {
    return new ChangeRecord(path, zxid, false, 0, 0, 0, 0, 0, List.of(), 0, 0);
  }

  ChangeRecord withData(long zxid, int newVersion, long time, int newDataLength) {
    return new ChangeRecord(path, zxid, true, newVersion, cversion, numChildren, ephemeralOwner, time, acl, aversion,
        newDataLength);
  }

  ChangeRecord withChildren(long zxid, int newCversion, int newNumChildren) {
    return new ChangeRecord(path, zxid, true, version, newCversion, newNumChildren, ephemeralOwner, mtime, acl,
        aversion, dataLength);
  }

  ChangeRecord withAcl(long zxid, List<Acl> newAcl, int newAversion) {
    return new ChangeRecord(path, zxid, true, version, cversion, numChildren, ephemeralOwner, mtime, newAcl,
        newAversion, dataLength);
  }
}
