package io.baton.core.txn;

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

  ChangeRecord(String path, long zxid, boolean exists, int version, int cversion, int numChildren,
               long ephemeralOwner, long mtime) {
    this.path = path;
    this.zxid = zxid;
    this.exists = exists;
    this.version = version;
    this.cversion = cversion;
    this.numChildren = numChildren;
    this.ephemeralOwner = ephemeralOwner;
    this.mtime = mtime;
  }

  static ChangeRecord deleted(String path, long zxid) {
    return new ChangeRecord(path, zxid, false, 0, 0, 0, 0, 0);
  }

  ChangeRecord withVersion(long zxid, int newVersion, long time) {
    return new ChangeRecord(path, zxid, true, newVersion, cversion, numChildren, ephemeralOwner, time);
  }

  ChangeRecord withChildren(long zxid, int newCversion, int newNumChildren) {
    return new ChangeRecord(path, zxid, true, version, newCversion, newNumChildren, ephemeralOwner, mtime);
  }
}
