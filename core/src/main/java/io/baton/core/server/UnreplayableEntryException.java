package io.baton.core.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Start-up found a complete log entry that cannot be applied to the state before it. The node
 * refuses to start rather than drop it and every later entry silently; the message names the entry,
 * its file and the command that cuts the log before it (see docs/log.md).
 */
public final class UnreplayableEntryException extends IOException {
  private final long zxid;

  public UnreplayableEntryException(Path dataDir, long zxid, File file, Throwable cause) {
    super("log entry 0x" + Long.toHexString(zxid) + " in " + file + " cannot be applied (" + cause.getMessage()
        + "); refusing to start. To recover, cut the log before it (the entry and every later one are dropped, "
        + "the log as it was is kept beside it): java -jar baton-server.jar log truncate --data-dir " + dataDir
        + " --before-zxid 0x" + Long.toHexString(zxid) + " ; a cluster member instead: empty its data directory"
        + " and restart it, it catches up from the others. See docs/log.md", cause);
    this.zxid = zxid;
  }

  public long zxid() {
    return zxid;
  }
}
