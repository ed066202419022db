package io.baton.vertx.launcher;

import io.baton.core.replication.RaftNode;
import io.baton.core.replication.RaftReplication;
import io.baton.core.server.CoordinatorConfig;
import io.baton.vertx.CoordinatorVerticle;
import io.baton.zookeeper.ZooKeeperPortOptions;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The ZooKeeper port's options from a node's configuration: the four-letter words it answers
 * ({@code zk4lwWhitelist}), the mode it reports (standalone, or a cluster member's role) and the
 * settings {@code conf} shows, with ZooKeeper's names.
 */
final class ZooKeeperSettings {
  /** The configuration key of the four-letter word whitelist. */
  static final String WHITELIST_KEY = "zk4lwWhitelist";

  private ZooKeeperSettings() {
  }

  static ZooKeeperPortOptions of(JsonObject config, CoordinatorVerticle node) {
    CoordinatorConfig cfg = node.coordinator().config();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("dataDir", cfg.dataDir().toAbsolutePath().toString());
    conf.put("tickTime", Integer.toString(cfg.tickMs()));
    conf.put("maxClientCnxns", Integer.toString(cfg.limits().maxConnectionsPerAddress()));
    conf.put("minSessionTimeout", Integer.toString(cfg.minSessionTimeoutMs()));
    conf.put("maxSessionTimeout", Integer.toString(cfg.maxSessionTimeoutMs()));
    conf.put("serverId", Integer.toString(cfg.nodeId()));
    conf.put("4lw.commands.whitelist", config.getString(WHITELIST_KEY, ZooKeeperPortOptions.DEFAULT_WHITELIST));
    return new ZooKeeperPortOptions(
        ZooKeeperPortOptions.whitelist(config.getString(WHITELIST_KEY, ZooKeeperPortOptions.DEFAULT_WHITELIST)),
        mode(node.replication()), conf);
  }

  /** standalone; a cluster member's leader or follower; null while it has no leader (not serving). */
  private static Supplier<String> mode(RaftReplication raft) {
    if (raft == null) {
      return () -> "standalone";
    }
    return () -> raft.isReadyLeader() ? "leader"
        : raft.role() == RaftNode.Role.FOLLOWER && raft.leader() != 0 ? "follower" : null;
  }
}
