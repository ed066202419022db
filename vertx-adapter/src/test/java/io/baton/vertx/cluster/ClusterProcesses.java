package io.baton.vertx.cluster;

import io.baton.core.auth.DigestCredentials;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.baton.vertx.process.ServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Baton cluster of child JVMs on loopback (the real launcher with {@code --cluster}), one data
 * directory each. Peers can be routed through per-link addresses (e.g. fault-injecting proxies) by
 * giving each node its own view of the cluster file.
 */
public final class ClusterProcesses implements AutoCloseable {
  private final Vertx vertx;
  private final Map<Integer, ServerProcess> servers = new TreeMap<>();
  private final Map<Integer, Integer> clientPorts = new TreeMap<>();
  private final Map<Integer, Integer> peerPorts = new TreeMap<>();
  private final Map<Integer, Integer> adminPorts = new TreeMap<>();
  private final Map<Integer, Integer> zkPorts = new TreeMap<>();
  private final String secret;
  private final Map<Integer, CoordinationClient> admins = new java.util.HashMap<>();
  /** The super user every node is given, for admin requests. */
  private static final String ADMIN = "cluster-admin:cluster-admin-pw";

  /**
   * @param peerAddress maps (viewing node, peer node, peer's real port) to the port the viewer dials
   *                    (identity unless links go through proxies)
   */
  public ClusterProcesses(Vertx vertx, Path root, int size, String durability, String raftSettings,
                          PeerRoute peerAddress) throws Exception {
    this(vertx, root, size, durability, raftSettings, peerAddress, new JsonObject());
  }

  /** As above, with node settings ({@code --config} JSON, e.g. {@code snapshotEveryEntries}) for every node. */
  public ClusterProcesses(Vertx vertx, Path root, int size, String durability, String raftSettings,
                          PeerRoute peerAddress, JsonObject nodeConfig) throws Exception {
    this(vertx, root, size, durability, raftSettings, peerAddress, nodeConfig, false);
  }

  /**
   * As above; with {@code zooKeeperPorts} each server line has a fourth field, the port the node
   * serves ZooKeeper's clients on ({@link #zkPort(int)}).
   */
  public ClusterProcesses(Vertx vertx, Path root, int size, String durability, String raftSettings,
                          PeerRoute peerAddress, JsonObject nodeConfig, boolean zooKeeperPorts) throws Exception {
    this.vertx = vertx;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.secret = HexFormat.of().formatHex(key);
    for (int id = 1; id <= size; id++) {
      clientPorts.put(id, ServerProcess.freePort());
      peerPorts.put(id, ServerProcess.freePort());
      if (zooKeeperPorts) {
        zkPorts.put(id, ServerProcess.freePort());
      }
    }
    for (int id = 1; id <= size; id++) {
      StringBuilder cfg = new StringBuilder(raftSettings).append("\ncluster.secret=").append(secret).append('\n');
      for (int peer = 1; peer <= size; peer++) {
        int port = peer == id ? peerPorts.get(peer) : peerAddress.port(id, peer, peerPorts.get(peer));
        cfg.append("server.").append(peer).append("=127.0.0.1:").append(port).append(':')
            .append(clientPorts.get(peer)).append(zkPorts.isEmpty() ? "" : ":" + zkPorts.get(peer)).append('\n');
      }
      Path file = root.resolve("cluster-" + id + ".cfg");
      Files.writeString(file, cfg);
      Path json = root.resolve("node-" + id + ".json");
      JsonObject withAdmin = nodeConfig.copy();
      withAdmin.put("superUsers", withAdmin.getJsonArray("superUsers", new io.vertx.core.json.JsonArray()).copy()
          .add("digest:" + DigestCredentials.digest(ADMIN)));
      Files.writeString(json, withAdmin.encode());
      servers.put(id, new ServerProcess(root.resolve("node-" + id), clientPorts.get(id), "--cluster", file.toString(),
          "--node-id", Integer.toString(id), "--durability", durability, "--config", json.toString()));
    }
  }

  /** Which port node {@code viewer} dials to reach {@code peer}. */
  @FunctionalInterface
  public interface PeerRoute {
    int port(int viewer, int peer, int realPort) throws Exception;
  }

  public static PeerRoute direct() {
    return (viewer, peer, port) -> port;
  }

  public ClusterProcesses startAll() throws Exception {
    for (ServerProcess s : servers.values()) {
      s.start();
    }
    return this;
  }

  /** Gives every node an admin face on a free port of its own (see {@link #adminPort}); call before starting. */
  public ClusterProcesses withAdminPorts() throws Exception {
    for (Map.Entry<Integer, ServerProcess> e : servers.entrySet()) {
      int port = ServerProcess.freePort();
      adminPorts.put(e.getKey(), port);
      e.getValue().args("--admin-port", Integer.toString(port));
    }
    return this;
  }

  /** Node {@code id}'s admin port (after {@link #withAdminPorts}). */
  public int adminPort(int id) {
    return adminPorts.get(id);
  }

  public ServerProcess server(int id) {
    return servers.get(id);
  }

  public int clientPort(int id) {
    return clientPorts.get(id);
  }

  public int peerPort(int id) {
    return peerPorts.get(id);
  }

  /** The port node {@code id} serves ZooKeeper's clients on (a cluster made with zooKeeperPorts). */
  public int zkPort(int id) {
    return zkPorts.get(id);
  }

  /** The cluster secret (hex) every node's file holds. */
  public String secret() {
    return secret;
  }

  public List<Integer> ids() {
    return new ArrayList<>(servers.keySet());
  }

  /** {@code host:port} of every node's bridge. */
  public List<String> clientAddresses() {
    List<String> out = new ArrayList<>();
    clientPorts.values().forEach(p -> out.add("127.0.0.1:" + p));
    return out;
  }

  /** A raw request to one node (no session needed). */
  public JsonObject request(int id, JsonObject body) throws Exception {
    Transport raw = await(BridgeTransport.connect(vertx, "127.0.0.1", clientPorts.get(id),
        ClientOptions.defaults()));
    try {
      return await(raw.request(body.put("v", 1), 5_000));
    } finally {
      raw.close();
    }
  }

  /**
   * An admin request ({@code digest}, {@code snapshot}) to node {@code id}, through a session of its
   * own on that node, kept for later requests (opening one per request would move the zxid the
   * digests compare), authenticated as the super user every node of this cluster is given (so it
   * works under {@code enforceAuth} too). A session lost with its node is replaced on the next call.
   */
  public JsonObject adminRequest(int id, JsonObject body) throws Exception {
    CoordinationClient admin = admins.get(id);
    if (admin == null) {
      admin = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", clientPorts.get(id),
          ClientOptions.defaults().withSessionTimeout(60_000)));
      await(admin.addAuth("digest", ADMIN));
      admins.put(id, admin);
    }
    try {
      return await(admin.request(body, 5_000));
    } catch (Exception e) {
      admins.remove(id).close();
      throw e;
    }
  }

  public JsonObject info(int id) throws Exception {
    return request(id, new JsonObject().put("op", "info"));
  }

  /**
   * Waits until exactly one of {@code among} is the ready leader and every other one of them
   * follows it in the same term; returns its id.
   */
  public int awaitLeader(List<Integer> among, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        List<JsonObject> infos = new ArrayList<>();
        for (int id : among) {
          infos.add(info(id));
        }
        last = infos.toString();
        long leaders = infos.stream().filter(i -> "leader".equals(i.getString("role"))).count();
        if (leaders == 1) {
          JsonObject leader = infos.stream().filter(i -> "leader".equals(i.getString("role"))).findFirst()
              .orElseThrow();
          boolean agreed = infos.stream().allMatch(i -> i.getLong("leader") == leader.getLong("nodeId")
              && i.getLong("term").equals(leader.getLong("term")));
          if (agreed) {
            return leader.getInteger("nodeId");
          }
        }
      } catch (Exception e) {
        last = e.toString();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no agreed leader among " + among + " in " + timeoutMs + " ms; last: " + last);
  }

  /** Waits until the given nodes report the same zxid and state digest; returns that digest info. */
  public JsonObject awaitConverged(List<Integer> among, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      List<JsonObject> digests = new ArrayList<>();
      try {
        for (int id : among) {
          digests.add(adminRequest(id, new JsonObject().put("op", "digest")));
        }
        if (digests.stream().map(JsonObject::encode).distinct().count() == 1) {
          return digests.get(0);
        }
        last = digests.toString();
      } catch (Exception e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("nodes " + among + " did not converge in " + timeoutMs + " ms; last: " + last);
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    admins.values().forEach(CoordinationClient::close);
    admins.clear();
    for (ServerProcess s : servers.values()) {
      s.close();
    }
  }
}
