package io.baton.core.replication;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The static membership of a cluster, read from a file in ZooKeeper's {@code zoo.cfg} style:
 * <pre>
 *   server.1=127.0.0.1:7101:7181:2181
 *   server.2=127.0.0.1:7102:7182:2182
 *   server.3=127.0.0.1:7103:7183:2183
 *   # optional Raft timing: ticks of tickMs; elections after electionTicks..2*electionTicks silent ticks
 *   raft.tickMs=100
 *   raft.electionTicks=10
 *   # log entries kept behind the newest snapshot for followers that lag a little
 *   raft.catchUpEntries=10000
 *   # the key members prove they share before a peer link is believed (required): 32+ bytes in hex,
 *   # e.g. from `openssl rand -hex 32`; or cluster.secretFile=secret.hex (relative to this file's directory)
 *   cluster.secret=8f0c...
 * </pre>
 * where each server line is {@code host:peerPort:clientPort[:zkPort]} (the node-to-node port, the TCP
 * bridge port clients use, and optionally the port the node serves ZooKeeper's clients on). Every node reads the same file (a node's view of a peer's address may
 * differ, e.g. through a proxy). 1 to 7 voters; 3 or 5 tolerate 1 or 2 failures. A cluster without
 * a secret is refused: every peer link is authenticated with it ({@link ClusterSecret}).
 *
 * @param members     node id → addresses, sorted by id
 * @param tickMs      length of a Raft tick
 * @param electionTicks base election timeout in ticks (heartbeats go out every tick)
 * @param catchUpEntries log entries kept behind the newest snapshot; a follower further behind is
 *                       sent the snapshot
 * @param secret         the shared key of the members
 */
public record ClusterConfig(Map<Long, Member> members, int tickMs, int electionTicks, long catchUpEntries,
                            ClusterSecret secret) {
  /** Why a cluster file without a secret is refused, and how to make one. */
  static final String NO_SECRET = "the cluster file needs a shared secret that authenticates the peer links: "
      + "add cluster.secret=<hex of at least 32 bytes> (make one with `openssl rand -hex 32`), or "
      + "cluster.secretFile=<file holding it>, with the same secret on every node";

  /** One voting node; {@code zkPort} -1 when the file gives it none. */
  public record Member(long id, String host, int peerPort, int clientPort, int zkPort) {
    /** A member serving no ZooKeeper port. */
    public Member(long id, String host, int peerPort, int clientPort) {
      this(id, host, peerPort, clientPort, -1);
    }

    /** {@code host:clientPort}, the address clients connect to. */
    public String clientAddress() {
      return host + ":" + clientPort;
    }

    /** {@code host:zkPort}, the address ZooKeeper's clients connect to, or null without a zkPort. */
    public String zkAddress() {
      return zkPort < 0 ? null : host + ":" + zkPort;
    }
  }

  public ClusterConfig {
    if (members.isEmpty() || members.size() > 7) {
      throw new IllegalArgumentException("a cluster has 1 to 7 servers, got " + members.size());
    }
    if (tickMs < 1 || electionTicks < 2 || catchUpEntries < 0) {
      throw new IllegalArgumentException("raft.tickMs must be >= 1, raft.electionTicks >= 2 and "
          + "raft.catchUpEntries >= 0");
    }
    if (secret == null) {
      throw new IllegalArgumentException(NO_SECRET);
    }
    members = new TreeMap<>(members);
  }

  public List<Long> voters() {
    return new ArrayList<>(members.keySet());
  }

  public Member member(long id) {
    Member m = members.get(id);
    if (m == null) {
      throw new IllegalArgumentException("node " + id + " is not in the cluster " + members.keySet());
    }
    return m;
  }

  /** Reads a cluster file; a {@code cluster.secretFile} is relative to its directory. */
  public static ClusterConfig read(Path file) throws IOException {
    return parse(Files.readString(file), file.toAbsolutePath().getParent());
  }

  /** {@link #parse(String, Path)} with a {@code cluster.secretFile} relative to the working directory. */
  public static ClusterConfig parse(String text) throws IOException {
    return parse(text, Path.of(""));
  }

  /**
   * Parses the file format above; unknown keys and malformed lines are refused with their text.
   *
   * @param base where a relative {@code cluster.secretFile} is
   */
  public static ClusterConfig parse(String text, Path base) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    Map<Long, Member> members = new TreeMap<>();
    int tickMs = 100;
    int electionTicks = 10;
    long catchUpEntries = 10_000;
    for (String key : p.stringPropertyNames()) {
      String value = p.getProperty(key).trim();
      if (key.startsWith("server.")) {
        long id = number(key, key.substring("server.".length()));
        if (id < 1 || id > 254) {
          throw new IllegalArgumentException(key + ": node ids are 1..254");
        }
        String[] parts = value.split(":");
        if (parts.length < 3 || parts.length > 4 || parts[0].isBlank()) {
          throw new IllegalArgumentException(key + "=" + value + ": expected host:peerPort:clientPort[:zkPort]");
        }
        members.put(id, new Member(id, parts[0], port(key, parts[1]), port(key, parts[2]),
            parts.length == 4 ? port(key, parts[3]) : -1));
      } else if (key.equals("raft.tickMs")) {
        tickMs = (int) number(key, value);
      } else if (key.equals("raft.electionTicks")) {
        electionTicks = (int) number(key, value);
      } else if (key.equals("raft.catchUpEntries")) {
        catchUpEntries = number(key, value);
      } else if (!key.equals("cluster.secret") && !key.equals("cluster.secretFile")) {
        throw new IllegalArgumentException("unknown cluster setting '" + key + "'");
      }
    }
    String secret = p.getProperty("cluster.secret");
    String secretFile = p.getProperty("cluster.secretFile");
    if (secret != null && secretFile != null) {
      throw new IllegalArgumentException("give one of cluster.secret and cluster.secretFile");
    }
    if (secretFile != null) {
      secret = readSecretFile(base.resolve(secretFile.trim()));
    }
    return new ClusterConfig(members, tickMs, electionTicks, catchUpEntries,
        secret == null ? null : ClusterSecret.fromHex(secret));
  }

  private static String readSecretFile(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cluster.secretFile: cannot read " + file + ": " + e.getMessage());
    }
  }

  private static long number(String key, String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not a number");
    }
  }

  private static int port(String key, String text) {
    long port = number(key, text);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + ": port " + port + " out of range");
    }
    return (int) port;
  }
}
