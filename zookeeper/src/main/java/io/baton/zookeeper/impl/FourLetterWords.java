package io.baton.zookeeper.impl;

import io.baton.core.server.Coordinator;
import io.baton.core.watch.WatchSummary;
import io.baton.zookeeper.ZooKeeperPortOptions;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * ZooKeeper's four-letter words: four ASCII bytes sent instead of a connection's first length,
 * answered in text, after which the connection is closed ({@code NIOServerCnxn.checkFourLetterWord}).
 * Their ints are all above any packet length a handshake has, so they cannot be mistaken for one.
 * Served: ruok, srvr, stat, mntr, isro, envi, conf, cons, wchs; only those of the whitelist answer,
 * the others get ZooKeeper's "is not executed because it is not in the whitelist." Owner thread.
 */
public final class FourLetterWords {
  /** The words this port answers. */
  public static final Set<String> SERVED = Set.of("ruok", "srvr", "stat", "mntr", "isro", "envi", "conf", "cons",
      "wchs");
  /** Every word ZooKeeper 3.9 knows ({@code FourLetterCommands}). */
  public static final Set<String> KNOWN = new TreeSet<>(List.of("conf", "cons", "crst", "dump", "envi", "gtmk",
      "ruok", "stmk", "srst", "srvr", "stat", "wchc", "wchp", "wchs", "mntr", "isro", "hash", "dirs"));
  /** The ZooKeeper version Baton's wire protocol matches, as ZooKeeper's {@code Version.getFullVersion}. */
  static final String VERSION = "3.9.5-baton, built on Baton";
  private static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";

  private final Coordinator coordinator;
  private final ZooKeeperPortOptions options;
  private final Connections connections;
  private int port;
  private int securePort = -1;

  FourLetterWords(Coordinator coordinator, ZooKeeperPortOptions options, Connections connections) {
    this.coordinator = coordinator;
    this.options = options;
    this.connections = connections;
  }

  /** The port clients reach (for {@code conf}). */
  public void port(int port) {
    this.port = port;
  }

  /** The TLS port clients reach (for {@code conf}'s {@code secureClientPort}). */
  public void securePort(int port) {
    this.securePort = port;
  }

  /** The word a connection's first four bytes spell if ZooKeeper knows it, else null. */
  static String word(int header) {
    byte[] b = {(byte) (header >>> 24), (byte) (header >>> 16), (byte) (header >>> 8), (byte) header};
    String w = new String(b, StandardCharsets.ISO_8859_1);
    return KNOWN.contains(w) ? w : null;
  }

  /** The text answer to {@code word}. */
  String answer(String word) {
    if (!options.fourLetterWords().contains(word)) {
      return word + " is not executed because it is not in the whitelist.\n";
    }
    String mode = options.mode().get();
    return switch (word) {
      case "ruok" -> "imok";
      case "isro" -> "rw";
      case "srvr" -> mode == null ? NOT_SERVING : server(mode, false);
      case "stat" -> mode == null ? NOT_SERVING : server(mode, true);
      case "mntr" -> mode == null ? NOT_SERVING : monitor(mode);
      case "envi" -> environment();
      case "conf" -> conf();
      case "cons" -> mode == null ? NOT_SERVING : connections(true) + "\n";
      case "wchs" -> mode == null ? NOT_SERVING : watches();
      default -> word + " is not executed: Baton does not serve it.\n";
    };
  }

  private String server(String mode, boolean clients) {
    StringBuilder s = new StringBuilder("Zookeeper version: ").append(VERSION).append('\n');
    if (clients) {
      s.append("Clients:\n").append(connections(false)).append('\n');
    }
    s.append("Latency min/avg/max: 0/0.0/0\n")
        .append("Received: ").append(connections.received()).append('\n')
        .append("Sent: ").append(connections.sent()).append('\n')
        .append("Connections: ").append(connections.count()).append('\n')
        .append("Outstanding: ").append(connections.outstanding()).append('\n')
        .append("Zxid: 0x").append(Long.toHexString(coordinator.lastApplied())).append('\n')
        .append("Mode: ").append(mode).append('\n')
        .append("Node count: ").append(coordinator.nodeCount()).append('\n');
    return s.toString();
  }

  private String monitor(String mode) {
    WatchSummary w = coordinator.reads().watchSummary();
    Runtime rt = Runtime.getRuntime();
    StringBuilder s = new StringBuilder();
    line(s, "zk_version", VERSION);
    line(s, "zk_server_state", mode);
    line(s, "zk_avg_latency", "0.0");
    line(s, "zk_max_latency", 0);
    line(s, "zk_min_latency", 0);
    line(s, "zk_packets_received", connections.received());
    line(s, "zk_packets_sent", connections.sent());
    line(s, "zk_num_alive_connections", connections.count());
    line(s, "zk_outstanding_requests", connections.outstanding());
    line(s, "zk_znode_count", coordinator.nodeCount());
    line(s, "zk_watch_count", w.watches());
    line(s, "zk_last_zxid", "0x" + Long.toHexString(coordinator.lastApplied()));
    line(s, "zk_jvm_heap_used_bytes", rt.totalMemory() - rt.freeMemory());
    line(s, "zk_jvm_heap_max_bytes", rt.maxMemory());
    return s.toString();
  }

  private static void line(StringBuilder s, String key, Object value) {
    s.append(key).append('\t').append(value).append('\n');
  }

  private String environment() {
    Runtime rt = Runtime.getRuntime();
    StringBuilder s = new StringBuilder("Environment:\n");
    s.append("zookeeper.version=").append(VERSION).append('\n');
    s.append("host.name=").append(hostName()).append('\n');
    for (String key : List.of("java.version", "java.vendor", "java.home", "java.io.tmpdir", "os.name", "os.arch",
        "os.version", "user.name", "user.home", "user.dir")) {
      s.append(key).append('=').append(System.getProperty(key, "<NA>")).append('\n');
    }
    s.append("os.memory.free=").append(rt.freeMemory() >> 20).append("MB\n");
    s.append("os.memory.max=").append(rt.maxMemory() >> 20).append("MB\n");
    s.append("os.memory.total=").append(rt.totalMemory() >> 20).append("MB\n");
    s.append("process.id=").append(ManagementFactory.getRuntimeMXBean().getPid()).append('\n');
    return s.toString();
  }

  /** The host's name without a DNS lookup (which could stall the event loop): the JVM's {@code pid@host}. */
  private static String hostName() {
    String name = ManagementFactory.getRuntimeMXBean().getName();
    int at = name.indexOf('@');
    return at < 0 ? "<NA>" : name.substring(at + 1);
  }

  private String conf() {
    StringBuilder s = new StringBuilder("clientPort=").append(port).append('\n');
    if (securePort >= 0) {
      s.append("secureClientPort=").append(securePort).append('\n');
    }
    for (Map.Entry<String, String> e : options.conf().entrySet()) {
      s.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    return s.toString();
  }

  private String connections(boolean full) {
    StringBuilder s = new StringBuilder();
    connections.forEach(c -> s.append(c.describe(full)).append('\n'));
    return s.toString();
  }

  private String watches() {
    WatchSummary w = coordinator.reads().watchSummary();
    return w.sessions() + " connections watching " + w.paths() + " paths\nTotal watches:" + w.watches() + "\n";
  }
}
