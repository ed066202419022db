package io.baton.core.server;

import io.baton.core.auth.AuthConfig;
import io.baton.core.limit.Limits;
import io.baton.core.log.LogOptions;
import java.nio.file.Path;

/**
 * Settings of one coordinator node.
 *
 * @param dataDir               holds {@code log/} (Chronicle Queue) and {@code snapshots/}
 * @param nodeId                1..254; the high byte of the session ids this node issues
 * @param durability            when writes are acknowledged, see {@link Durability}
 * @param groupCommitMs         for {@link Durability#GROUP}: minimum spacing of fsyncs under load (0: the next
 *                              fsync starts as soon as the previous one ends)
 * @param limits                bounds on what clients send and hold (sizes, counts; see {@link Limits})
 * @param minSessionTimeoutMs   lower clamp of requested session timeouts
 * @param maxSessionTimeoutMs   upper clamp of requested session timeouts
 * @param tickMs                how often session expiry and container/TTL cleanup run
 * @param snapshotEveryEntries  entries applied between automatic snapshots (0 = only on demand)
 * @param snapshotsRetained     snapshots kept; log cycles older than the oldest kept one are purged
 * @param log                   Chronicle Queue layout
 * @param auth                  authentication: enforcement and super identities
 */
public record CoordinatorConfig(Path dataDir, int nodeId, Durability durability, int groupCommitMs,
                                Limits limits, int minSessionTimeoutMs, int maxSessionTimeoutMs, int tickMs,
                                long snapshotEveryEntries, int snapshotsRetained, LogOptions log,
                                AuthConfig auth) {

  /** Defaults: GROUP durability with back-to-back fsyncs, 1 MiB data, sessions 2 s..60 s, snapshot every 100,000 entries. */
  public static CoordinatorConfig defaults(Path dataDir) {
    return new CoordinatorConfig(dataDir, 1, Durability.GROUP, 0, Limits.defaults(), 2_000, 60_000, 100, 100_000, 3,
        LogOptions.defaults(), AuthConfig.open());
  }

  public CoordinatorConfig withDurability(Durability d) {
    return new CoordinatorConfig(dataDir, nodeId, d, groupCommitMs, limits, minSessionTimeoutMs,
        maxSessionTimeoutMs, tickMs, snapshotEveryEntries, snapshotsRetained, log, auth);
  }

  public CoordinatorConfig withSessionTimeouts(int min, int max) {
    return new CoordinatorConfig(dataDir, nodeId, durability, groupCommitMs, limits, min, max, tickMs,
        snapshotEveryEntries, snapshotsRetained, log, auth);
  }

  public CoordinatorConfig withSnapshots(long everyEntries, int retained) {
    return new CoordinatorConfig(dataDir, nodeId, durability, groupCommitMs, limits, minSessionTimeoutMs,
        maxSessionTimeoutMs, tickMs, everyEntries, retained, log, auth);
  }

  public CoordinatorConfig withMaxDataBytes(int max) {
    return withLimits(limits.withMaxDataBytes(max));
  }

  public CoordinatorConfig withLimits(Limits l) {
    return new CoordinatorConfig(dataDir, nodeId, durability, groupCommitMs, l, minSessionTimeoutMs,
        maxSessionTimeoutMs, tickMs, snapshotEveryEntries, snapshotsRetained, log, auth);
  }

  /** Largest node data accepted. */
  public int maxDataBytes() {
    return limits.maxDataBytes();
  }

  public CoordinatorConfig withLog(LogOptions options) {
    return new CoordinatorConfig(dataDir, nodeId, durability, groupCommitMs, limits, minSessionTimeoutMs,
        maxSessionTimeoutMs, tickMs, snapshotEveryEntries, snapshotsRetained, options, auth);
  }

  public CoordinatorConfig withAuth(AuthConfig a) {
    return new CoordinatorConfig(dataDir, nodeId, durability, groupCommitMs, limits, minSessionTimeoutMs,
        maxSessionTimeoutMs, tickMs, snapshotEveryEntries, snapshotsRetained, log, a);
  }

  public CoordinatorConfig withTickMs(int tick) {
    return new CoordinatorConfig(dataDir, nodeId, durability, groupCommitMs, limits, minSessionTimeoutMs,
        maxSessionTimeoutMs, tick, snapshotEveryEntries, snapshotsRetained, log, auth);
  }
}
