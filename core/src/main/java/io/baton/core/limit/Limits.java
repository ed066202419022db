package io.baton.core.limit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every bound Baton puts on what comes from outside, in one place: sizes and counts checked by core
 * before anything reaches the log, and the per-connection bounds each face applies where the bytes
 * are. A face never picks a limit of its own; it reads it here. Each component has a configuration
 * key of the same name (verticle JSON / {@code --config}); {@link #KEYS} lists them.
 *
 * @param maxPathBytes              longest znode path, in UTF-8 bytes
 * @param maxDataBytes              largest node data (ZooKeeper's jute.maxbuffer, 1 MiB)
 * @param maxMultiOps               most operations in one multi
 * @param maxRequestBytes           most path and data bytes one command may carry (a multi in all)
 * @param maxEntryBytes             largest resolved log entry (well under the 16 MiB a log excerpt holds)
 * @param maxSessions               open sessions on the whole node (cluster)
 * @param maxWatchesPerSession      watch registrations one session may hold
 * @param maxFrameBytes             largest frame a client may send on a face (larger: connection closed)
 * @param frameTimeoutMs            a frame begun must arrive whole within this time (slow senders are cut off)
 * @param maxConnections            client connections a node accepts in all
 * @param maxConnectionsPerAddress  client connections from one IP address
 * @param maxSessionsPerConnection  sessions opened through one connection that are still open
 * @param maxInflightPerConnection  requests of one connection being served; past it the connection is not read
 * @param outboundHighWaterBytes    bytes queued to a connection past which it is not read (and streams pause)
 * @param maxOutboundBytes          bytes queued to a connection past which it is closed as too slow
 * @param maxReplyBytes             largest reply a read may produce (larger: TooLarge)
 * @param maxStreamBufferEvents     live events held for a paused change stream before it goes back to
 *                                  reading the log
 * @param snapshotMinIntervalMs     least time between snapshots asked for by clients (Throttled otherwise)
 * @param adminOps                  1 if clients may ask for admin operations ({@code snapshot}); 0 refuses them
 * @param maxParkedRequests         requests a node holds until it has applied their {@code minZxid} (more: Throttled)
 * @param zkMaxBuffer               largest packet a client may send on the ZooKeeper port (ZooKeeper's
 *                                  {@code jute.maxbuffer}; larger: connection closed)
 */
public record Limits(int maxPathBytes, int maxDataBytes, int maxMultiOps, int maxRequestBytes, int maxEntryBytes,
                     int maxSessions, int maxWatchesPerSession, int maxFrameBytes, long frameTimeoutMs,
                     int maxConnections, int maxConnectionsPerAddress, int maxSessionsPerConnection,
                     int maxInflightPerConnection, int outboundHighWaterBytes, long maxOutboundBytes,
                     int maxReplyBytes, int maxStreamBufferEvents, long snapshotMinIntervalMs, int adminOps,
                     int maxParkedRequests, int zkMaxBuffer) {

  /** Configuration keys, in component order. */
  public static final List<String> KEYS = List.of("maxPathBytes", "maxDataBytes", "maxMultiOps", "maxRequestBytes",
      "maxEntryBytes", "maxSessions", "maxWatchesPerSession", "maxFrameBytes", "frameTimeoutMs", "maxConnections",
      "maxConnectionsPerAddress", "maxSessionsPerConnection", "maxInflightPerConnection", "outboundHighWaterBytes",
      "maxOutboundBytes", "maxReplyBytes", "maxStreamBufferEvents", "snapshotMinIntervalMs", "adminOps",
      "maxParkedRequests", "zkMaxBuffer");

  /** The largest entry a log excerpt can hold is 16 MiB less a little; entries stay well under it. */
  public static final int LOG_EXCERPT_CEILING = 12 << 20;

  public Limits {
    if (maxPathBytes < 64 || maxDataBytes < 0 || maxMultiOps < 1 || maxRequestBytes < maxDataBytes
        || maxEntryBytes < maxRequestBytes || maxEntryBytes > LOG_EXCERPT_CEILING) {
      throw new IllegalArgumentException("limits: need maxPathBytes >= 64, maxDataBytes <= maxRequestBytes <= "
          + "maxEntryBytes <= " + LOG_EXCERPT_CEILING + ", maxMultiOps >= 1");
    }
    if (maxSessions < 1 || maxWatchesPerSession < 0 || maxFrameBytes < 1024 || frameTimeoutMs < 1
        || maxConnections < 1 || maxConnectionsPerAddress < 1 || maxSessionsPerConnection < 1
        || maxInflightPerConnection < 1 || outboundHighWaterBytes < 1 || maxOutboundBytes < outboundHighWaterBytes
        || maxReplyBytes < 1024 || maxStreamBufferEvents < 1 || snapshotMinIntervalMs < 0
        || adminOps < 0 || adminOps > 1 || maxParkedRequests < 0 || zkMaxBuffer < 1024) {
      throw new IllegalArgumentException("limits: counts must be positive, maxOutboundBytes >= "
          + "outboundHighWaterBytes, adminOps 0 or 1");
    }
  }

  /** The defaults: ZooKeeper-like sizes, generous counts. */
  public static Limits defaults() {
    return new Limits(4096, 1 << 20, 1000, 4 << 20, 8 << 20,
        1_000_000, 100_000, 8 << 20, 30_000,
        4096, 256, 1000,
        1000, 4 << 20, 64L << 20,
        16 << 20, 10_000, 10_000, 1,
        10_000, 1 << 20);
  }

  /** These limits with the component named {@code key} (one of {@link #KEYS}) set to {@code value}. */
  public Limits with(String key, long value) {
    return with(Map.of(key, value));
  }

  /** These limits with the components named in {@code overrides} (keys of {@link #KEYS}) replaced. */
  public Limits with(Map<String, Long> overrides) {
    Map<String, Long> v = asMap();
    for (Map.Entry<String, Long> o : overrides.entrySet()) {
      if (!v.containsKey(o.getKey())) {
        throw new IllegalArgumentException("unknown limit '" + o.getKey() + "'");
      }
      v.put(o.getKey(), o.getValue());
    }
    return fromMap(v);
  }

  public Limits withMaxDataBytes(int max) {
    return with("maxDataBytes", max);
  }

  /** Every component by key. */
  public Map<String, Long> asMap() {
    long[] values = {maxPathBytes, maxDataBytes, maxMultiOps, maxRequestBytes, maxEntryBytes, maxSessions,
        maxWatchesPerSession, maxFrameBytes, frameTimeoutMs, maxConnections, maxConnectionsPerAddress,
        maxSessionsPerConnection, maxInflightPerConnection, outboundHighWaterBytes, maxOutboundBytes, maxReplyBytes,
        maxStreamBufferEvents, snapshotMinIntervalMs, adminOps, maxParkedRequests, zkMaxBuffer};
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put(KEYS.get(i), values[i]);
    }
    return m;
  }

  private static Limits fromMap(Map<String, Long> m) {
    return new Limits(i(m, "maxPathBytes"), i(m, "maxDataBytes"), i(m, "maxMultiOps"), i(m, "maxRequestBytes"),
        i(m, "maxEntryBytes"), i(m, "maxSessions"), i(m, "maxWatchesPerSession"), i(m, "maxFrameBytes"),
        m.get("frameTimeoutMs"), i(m, "maxConnections"), i(m, "maxConnectionsPerAddress"),
        i(m, "maxSessionsPerConnection"), i(m, "maxInflightPerConnection"), i(m, "outboundHighWaterBytes"),
        m.get("maxOutboundBytes"), i(m, "maxReplyBytes"), i(m, "maxStreamBufferEvents"),
        m.get("snapshotMinIntervalMs"), i(m, "adminOps"), i(m, "maxParkedRequests"), i(m, "zkMaxBuffer"));
  }

  private static int i(Map<String, Long> m, String key) {
    long v = m.get(key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(key + " " + v + " is out of range");
    }
    return (int) v;
  }
}
