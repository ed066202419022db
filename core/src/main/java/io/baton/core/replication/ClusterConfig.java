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
 *   server.1=127.0.0.1:7101:7181
 *   server.2=127.0.0.1:7102:7182
 *   server.3=127.0.0.1:7103:7183
 *   # optional Raft timing: ticks of tickMs; elections after electionTicks..2*electionTicks silent ticks
 *   raft.tickMs=100
 *   raft.electionTicks=10
 *   # log entries kept behind the newest snapshot for followers that lag a little
 *   raft.catchUpEntries=10000
 * </pre>
 * where each server line is {@code host:peerPort:clientPort} (the node-to-node port, and the TCP
 * bridge port clients use). Every node reads the same file (a node's view of a peer's address may
 * differ, e.g. through a proxy). 1 to 7 voters; 3 or 5 tolerate 1 or 2 failures.
 *
 * @param members     node id → addresses, sorted by id
 * @param tickMs      length of a Raft tick
 * @param electionTicks base election timeout in ticks (heartbeats go out every tick)
 * @param catchUpEntries log entries kept behind the newest snapshot; a follower further behind is
 *                       sent the snapshot
 */
public record ClusterConfig(Map<Long, Member> members, int tickMs, int electionTicks, long catchUpEntries) {

  /** One voting node. */
  public record Member(long id, String host, int peerPort, int clientPort) {
    /** {@code host:clientPort}, the address clients connect to. */
    public String clientAddress() {
      return host + ":" + clientPort;
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

  public static ClusterConfig read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  /** Parses the file format above; unknown keys and malformed lines are refused with their text. */
  public static ClusterConfig parse(String text) throws IOException {
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
        if (parts.length != 3 || parts[0].isBlank()) {
          throw new IllegalArgumentException(key + "=" + value + ": expected host:peerPort:clientPort");
        }
        members.put(id, new Member(id, parts[0], port(key, parts[1]), port(key, parts[2])));
      } else if (key.equals("raft.tickMs")) {
        tickMs = (int) number(key, value);
      } else if (key.equals("raft.electionTicks")) {
        electionTicks = (int) number(key, value);
      } else if (key.equals("raft.catchUpEntries")) {
        catchUpEntries = number(key, value);
      } else {
        throw new IllegalArgumentException("unknown cluster setting '" + key + "'");
      }
    }
    return new ClusterConfig(members, tickMs, electionTicks, catchUpEntries);
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
