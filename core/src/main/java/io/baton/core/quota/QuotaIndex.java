package io.baton.core.quota;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The quotas in force and the usage (nodes and data bytes) of each quota's subtree, quota node
 * included, kept up to date as the tree changes (ZooKeeper's {@code zookeeper_stats}). Derived from
 * the tree, never logged: a restored tree rebuilds it. Owner thread only.
 */
public final class QuotaIndex {
  private final Map<String, Quota> byPath = new HashMap<>();

  /** A quota: its limits and its subtree's current usage. */
  public static final class Quota {
    private QuotaLimits limits;
    private long count;
    private long bytes;

    Quota(QuotaLimits limits, long count, long bytes) {
      this.limits = limits;
      this.count = count;
      this.bytes = bytes;
    }

    public QuotaLimits limits() {
      return limits;
    }

    public long count() {
      return count;
    }

    public long bytes() {
      return bytes;
    }

    /** ZooKeeper's {@code zookeeper_stats} text. */
    public String stats() {
      return "count=" + count + ",bytes=" + bytes;
    }
  }

  public boolean isEmpty() {
    return byPath.isEmpty();
  }

  /** The quota on exactly {@code path}, or null. */
  public Quota get(String path) {
    return byPath.get(path);
  }

  /** Every quota by path. */
  public Map<String, Quota> all() {
    return Collections.unmodifiableMap(byPath);
  }

  /** Sets the limits of the quota on {@code path}; a new quota starts with {@code count} and {@code bytes}. */
  public void define(String path, QuotaLimits limits, long count, long bytes) {
    Quota q = byPath.get(path);
    if (q == null) {
      byPath.put(path, new Quota(limits, count, bytes));
    } else {
      q.limits = limits;
    }
  }

  public void remove(String path) {
    byPath.remove(path);
  }

  public void clear() {
    byPath.clear();
  }

  /** Adds {@code count} nodes and {@code bytes} to every quota whose subtree holds {@code path}. */
  public void charge(String path, long count, long bytes) {
    if (!byPath.isEmpty()) {
      forEachCovering(path, (p, q) -> {
        q.count += count;
        q.bytes += bytes;
      });
    }
  }

  /** Visits the quotas whose subtree holds {@code path} (the path itself and each ancestor). */
  public void forEachCovering(String path, BiConsumer<String, Quota> visitor) {
    if (byPath.isEmpty()) {
      return;
    }
    String p = path;
    while (true) {
      Quota q = byPath.get(p);
      if (q != null) {
        visitor.accept(p, q);
      }
      if (p.equals("/")) {
        return;
      }
      int slash = p.lastIndexOf('/');
      p = slash == 0 ? "/" : p.substring(0, slash);
    }
  }
}
