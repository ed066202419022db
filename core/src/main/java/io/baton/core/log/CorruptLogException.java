package io.baton.core.log;

import java.io.IOException;

/** A log excerpt that fails its checksum or cannot be decoded: the start of a torn tail. */
public final class CorruptLogException extends IOException {
  private final long index;

  public CorruptLogException(long index, String message) {
    super("corrupt log entry at index 0x" + Long.toHexString(index) + ": " + message);
    this.index = index;
  }

  /** Chronicle index of the damaged excerpt. */
  public long index() {
    return index;
  }
}
