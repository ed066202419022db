package io.baton.core.log;

/** An entry too large for a log excerpt; nothing of it was written. */
public final class EntryTooLargeException extends IllegalArgumentException {
  public EntryTooLargeException(long zxid, long payloadBytes, long maxBytes) {
    super("entry 0x" + Long.toHexString(zxid) + " of " + payloadBytes + " bytes does not fit in a log excerpt ("
        + maxBytes + " bytes at most)");
  }
}
