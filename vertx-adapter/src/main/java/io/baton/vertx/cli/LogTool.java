package io.baton.vertx.cli;

import io.baton.core.log.LogOptions;
import io.baton.core.log.LogRepair;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Offline repair of a stopped node's transaction log. One command today:
 * <pre>
 *   java -jar baton-server.jar log truncate --data-dir DIR --before-zxid Z [--roll-cycle FAST_HOURLY]
 * </pre>
 * cuts the log in {@code DIR/log} before its first entry with a zxid at or above {@code Z} (hex with
 * {@code 0x}, or decimal), keeping the log as it was beside it as {@code log.truncated-<millis>}. It
 * is the recovery of a node that refused to start on an entry it cannot apply: that entry and every
 * later one are dropped. (Run from a plain classpath it needs {@code JvmFlags}.)
 */
public final class LogTool {
  private LogTool() {
  }

  public static void main(String[] args) {
    System.setProperty("chronicle.analytics.disable", "true");
    BatonCli.quietLogging();
    try {
      System.out.println(run(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
    } catch (Exception e) {
      System.err.println("log " + String.join(" ", args) + " failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs one command; returns what it did. */
  public static String run(String[] args) throws Exception {
    if (args.length == 0 || !args[0].equals("truncate")) {
      throw new IllegalArgumentException("unknown command " + (args.length == 0 ? "(none)" : args[0]));
    }
    Path dataDir = null;
    Long zxid = null;
    LogOptions options = LogOptions.defaults();
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--data-dir" -> dataDir = Path.of(value);
        case "--before-zxid" -> zxid = value.startsWith("0x") ? Long.parseUnsignedLong(value.substring(2), 16)
            : Long.parseLong(value);
        case "--roll-cycle" -> options = new LogOptions(LogOptions.rollCycle(value), null);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dataDir == null || zxid == null) {
      throw new IllegalArgumentException("truncate needs --data-dir and --before-zxid");
    }
    Path log = dataDir.resolve("log");
    if (!Files.isDirectory(log)) {
      throw new IllegalArgumentException(dataDir + " holds no log/");
    }
    long kept = LogRepair.truncateBefore(log, options, zxid);
    return "cut the log in " + log + " before zxid 0x" + Long.toHexString(zxid) + ": " + kept
        + " entries kept; the log as it was is in " + log.getFileName() + ".truncated-<millis> beside it";
  }

  static String usage() {
    return "usage: java -jar baton-server.jar log truncate --data-dir DIR --before-zxid Z [--roll-cycle NAME]";
  }
}
