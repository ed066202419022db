package io.baton.core.txn;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.quota.QuotaLimits;
import io.baton.core.tree.DataTree;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Enforces the hard limits of quotas against the usage the tree will have once every prepared entry is
 * applied: applied usage (the tree's quota index) plus what logged-but-unapplied entries add, so a
 * pipeline of writes cannot overshoot a quota. Only growth is counted ahead; a pending delete frees
 * room once applied.
 */
final class QuotaCharges {
  private final DataTree tree;
  /** {zxid, count, bytes} per quota path, in zxid order. */
  private final ArrayDeque<Charge> pending = new ArrayDeque<>();
  private final Map<String, long[]> pendingTotals = new HashMap<>();

  private record Charge(long zxid, String quota, long count, long bytes) {
  }

  QuotaCharges(DataTree tree) {
    this.tree = tree;
  }

  /**
   * Fails with QuotaExceeded if adding {@code count} nodes and {@code bytes} under {@code path} would
   * pass a hard limit, counting what {@code command} (one command's charges so far) already adds;
   * otherwise adds the growth to {@code command}.
   */
  void charge(String path, long count, long bytes, Map<String, long[]> command) {
    tree.quotas().forEachCovering(path, (quotaPath, quota) -> {
      QuotaLimits limits = quota.limits();
      if (!limits.enforced()) {
        return;
      }
      long[] ahead = pendingTotals.getOrDefault(quotaPath, ZERO);
      long[] mine = command.getOrDefault(quotaPath, ZERO);
      long newCount = quota.count() + ahead[0] + mine[0] + count;
      long newBytes = quota.bytes() + ahead[1] + mine[1] + bytes;
      if (count > 0 && limits.countHardLimit() > -1 && newCount > limits.countHardLimit()) {
        throw exceeded(quotaPath, "count", newCount, limits.countHardLimit());
      }
      if (bytes > 0 && limits.byteHardLimit() > -1 && newBytes > limits.byteHardLimit()) {
        throw exceeded(quotaPath, "bytes", newBytes, limits.byteHardLimit());
      }
      long[] sum = command.computeIfAbsent(quotaPath, k -> new long[2]);
      sum[0] += Math.max(count, 0);
      sum[1] += Math.max(bytes, 0);
    });
  }

  private static final long[] ZERO = new long[2];

  private static BatonException exceeded(String quotaPath, String what, long would, long limit) {
    return new BatonException(ErrorCode.QUOTA_EXCEEDED, "quota of " + quotaPath + " exceeded: " + what + " would be "
        + would + ", over its hard limit " + limit);
  }

  /** Records a prepared command's charges as pending until entry {@code zxid} is applied. */
  void prepared(long zxid, Map<String, long[]> command) {
    command.forEach((quota, sum) -> {
      pending.addLast(new Charge(zxid, quota, sum[0], sum[1]));
      long[] total = pendingTotals.computeIfAbsent(quota, k -> new long[2]);
      total[0] += sum[0];
      total[1] += sum[1];
    });
  }

  /** Entries up to {@code zxid} are applied: their charges are in the tree's usage now. */
  void applied(long zxid) {
    while (!pending.isEmpty() && pending.peekFirst().zxid() <= zxid) {
      Charge c = pending.pollFirst();
      long[] total = pendingTotals.get(c.quota());
      total[0] -= c.count();
      total[1] -= c.bytes();
      if (total[0] == 0 && total[1] == 0) {
        pendingTotals.remove(c.quota());
      }
    }
  }

  void clear() {
    pending.clear();
    pendingTotals.clear();
  }
}
