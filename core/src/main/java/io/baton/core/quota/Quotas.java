package io.baton.core.quota;

/** Where quotas live in the tree, as in ZooKeeper: {@code /zookeeper/quota<path>/zookeeper_limits}. */
public final class Quotas {
  /** The subtree holding every quota's limits. */
  public static final String QUOTA_ROOT = "/zookeeper/quota";
  /** The node under a quota's directory holding its limits. */
  public static final String LIMITS_NODE = "zookeeper_limits";
  /** The node name ZooKeeper uses for a quota's usage (served from the usage index, not stored). */
  public static final String STATS_NODE = "zookeeper_stats";
  private static final String LIMITS_SUFFIX = "/" + LIMITS_NODE;

  private Quotas() {
  }

  /** The limits node of a quota on {@code path}. */
  public static String limitsPath(String path) {
    return QUOTA_ROOT + (path.equals("/") ? "" : path) + LIMITS_SUFFIX;
  }

  /** The path whose quota {@code path} holds the limits of, or null if {@code path} is not a limits node. */
  public static String quotaPathOf(String path) {
    if (!path.startsWith(QUOTA_ROOT + "/") || !path.endsWith(LIMITS_SUFFIX)) {
      return null;
    }
    String quoted = path.substring(QUOTA_ROOT.length(), path.length() - LIMITS_SUFFIX.length());
    return quoted.isEmpty() ? "/" : quoted;
  }
}
