package io.baton.core.quota;

/** Where quotas live in the tree, as in ZooKeeper: {@code /zookeeper/quota<path>/zookeeper_limits}. */
public final class Quotas {
  /** The subtree holding every quota's limits. */
  public static final String QUOTA_ROOT = "/zookeeper/quota";
  /** The node under a quota's directory holding its limits. */
  public static final String LIMITS_NODE = "zookeeper_limits";
  /**
   * The node ZooKeeper keeps a quota's usage in ({@code count=N,bytes=M}). Clients (zkCli's setquota)
   * create it; reads of it are served from the usage index, which is derived from the log, so it is
   * never written outside the log.
   */
  public static final String STATS_NODE = "zookeeper_stats";
  private static final String LIMITS_SUFFIX = "/" + LIMITS_NODE;
  private static final String STATS_SUFFIX = "/" + STATS_NODE;

  private Quotas() {
  }

  /** The limits node of a quota on {@code path}. */
  public static String limitsPath(String path) {
    return QUOTA_ROOT + (path.equals("/") ? "" : path) + LIMITS_SUFFIX;
  }

  /** The path whose quota {@code path} holds the limits of, or null if {@code path} is not a limits node. */
  public static String quotaPathOf(String path) {
    return quotedBy(path, LIMITS_SUFFIX);
  }

  /** The path whose usage {@code path} shows, or null if {@code path} is not a {@value #STATS_NODE} node. */
  public static String statsPathOf(String path) {
    return quotedBy(path, STATS_SUFFIX);
  }

  private static String quotedBy(String path, String suffix) {
    if (!path.startsWith(QUOTA_ROOT + "/") || !path.endsWith(suffix)) {
      return null;
    }
    String quoted = path.substring(QUOTA_ROOT.length(), path.length() - suffix.length());
    return quoted.isEmpty() ? "/" : quoted;
  }
}
