package io.baton.core.quota;

import io.baton.core.error.BatonException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The limits of one quota, as ZooKeeper keeps them in {@code /zookeeper/quota<path>/zookeeper_limits}
 * ({@code count=-1,bytes=-1,countHardLimit=10,byteHardLimit=-1}; -1 or a missing key: no limit). Hard
 * limits are enforced (QuotaExceeded); soft limits ({@code count}, {@code bytes}) are recorded only, as in
 * ZooKeeper 3.7+.
 */
public record QuotaLimits(long count, long bytes, long countHardLimit, long byteHardLimit) {
  private static final Pattern PAIRS = Pattern.compile("[,;]+");

  /** Whether any hard limit is set. */
  public boolean enforced() {
    return countHardLimit > -1 || byteHardLimit > -1;
  }

  /** Parses ZooKeeper's {@code key=value} list; BadArguments if it is not one. */
  public static QuotaLimits parse(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8).trim();
    long count = -1;
    long bytes = -1;
    long countHard = -1;
    long byteHard = -1;
    if (!text.isEmpty()) {
      for (String pair : PAIRS.split(text)) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw invalid(text);
        }
        String value = pair.substring(eq + 1).trim();
        long v;
        try {
          v = value.isEmpty() ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw invalid(text);
        }
        if (v < -1) {
          throw invalid(text);
        }
        switch (pair.substring(0, eq).trim()) {
          case "count" -> count = v;
          case "bytes" -> bytes = v;
          case "countHardLimit" -> countHard = v;
          case "byteHardLimit" -> byteHard = v;
          default -> throw invalid(text);
        }
      }
    }
    return new QuotaLimits(count, bytes, countHard, byteHard);
  }

  private static BatonException invalid(String text) {
    return BatonException.badArguments("quota limits must be key=value pairs of count, bytes, countHardLimit and"
        + " byteHardLimit (numbers, -1 for none), got '" + (text.length() > 80 ? text.substring(0, 80) + "..." : text)
        + "'");
  }

  @Override
  public String toString() {
    return "count=" + count + ",bytes=" + bytes + ",countHardLimit=" + countHardLimit + ",byteHardLimit="
        + byteHardLimit;
  }
}
