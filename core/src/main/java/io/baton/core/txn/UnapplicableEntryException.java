package io.baton.core.txn;

/** A log entry that cannot be applied to the current state; nothing of it was applied. */
public final class UnapplicableEntryException extends IllegalStateException {
  private final long zxid;

  public UnapplicableEntryException(long zxid, String message) {
    super("entry 0x" + Long.toHexString(zxid) + ": " + message);
    this.zxid = zxid;
  }

  public long zxid() {
    return zxid;
  }
}
