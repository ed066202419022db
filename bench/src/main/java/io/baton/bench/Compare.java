package io.baton.bench;

import io.baton.bench.Servers.BatonServer;
import io.baton.bench.Servers.BatonTarget;
import io.baton.bench.Servers.Server;
import io.baton.bench.Servers.Target;
import io.baton.bench.Servers.ZkServer;
import io.baton.vertx.launcher.JvmFlags;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Side-by-side benchmark of Baton and Apache ZooKeeper 3.9.5 on this machine. Both servers run as
 * child JVMs started from this JVM's class path (-Xmx1g, G1); this process is the client of both:
 * Baton through the TCP event-bus bridge ({@code CoordinationClient.connectBridge}), ZooKeeper
 * through its asynchronous Java client. Workloads: create, setData, getData, and 90% getData / 10%
 * setData, with 1 and 64 requests in flight over 4 sessions, "sync on" (Baton durability group,
 * ZooKeeper forceSync=yes) and "sync off" (none / forceSync=no). Then heap after GC with N znodes,
 * measured with jcmd in each server process, and restart time to the first successful read after a
 * kill -9 with N log entries (log replay) and again from a snapshot.
 *
 * <p>Prints a Markdown table and writes it, with a PNG chart, to {@code results/} at the repository
 * root. {@code --quick} (under 3 minutes): 100-byte values only, short phases, N = 200,000.
 * {@code --full} (the default when no mode is given) runs everything. Other options: {@code --sizes 100,4096},
 * {@code --in-flight 1,64}, {@code --sync on,off}, {@code --warmup-ms N}, {@code --measure-ms N},
 * {@code --heap-nodes N}, {@code --no-heap}, {@code --no-workloads}, {@code --start-only N} (only the start of an
 * empty server to its first read, N times each, the servers taking turns), {@code --server-flags F1,F2} (extra JVM
 * flags of both servers, e.g. GC logging), {@code --out DIR}. Several options may come in one argument.
 */
public final class Compare {
  private static final int SESSIONS = 4;
  private static final int KEYS = 1_000;
  private static final String[] WORKLOADS = {"create", "setData", "getData", "mix 90/10"};
  /** Data created by one create row is capped at this many bytes (the servers have 1 GiB of heap). */
  private static final long CREATE_BYTES_PER_ROW = 160L << 20;
  private static final int CREATE_MAX_PER_ROW = 250_000;

  private final boolean quick;
  private final long warmupMs;
  private final long measureMs;
  private final int[] sizes;
  private final int heapNodes;
  private final int[] inFlights;
  private final boolean[] syncs;
  private final boolean workloads;
  private final boolean heap;
  private final boolean kafka;
  /** --start-only N: N empty starts of each server, nothing else (0: off). */
  private final int startRuns;
  private final Map<String, List<Long>> startMs = new LinkedHashMap<>();
  private final List<String> kafkaReport = new ArrayList<>();
  private final Path outDir;
  private final Vertx vertx = Vertx.vertx();
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, HeapResult> heapResults = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  /** Baton's synced rows: where a write's time went, by row label. */
  private final Map<String, WriteBreakdown> breakdowns = new LinkedHashMap<>();
  private DiskFloor floor;
  /** Baton driven by the official ZooKeeper client on its ZooKeeper face (else its own client on the TCP bridge). */
  private final boolean zookeeperFace;
  private int failures;

  /** One workload row: both servers' results. */
  record Row(String workload, int size, int inFlight, boolean sync, Load.Result baton, Load.Result zk) {
  }

  record HeapResult(long emptyStartMs, long emptyBytes, long loadedBytes, long nodes, double loadOpsPerSec, long replayMs,
                    long nodesAfterReplay, long snapshotMs, long snapshotRestartMs) {
  }

  private Compare(String[] rawArgs) {
    String[] args = BenchArgs.split(rawArgs);
    boolean q = false;
    int[] inf = {1, 64};
    boolean[] sy = {true, false};
    Long warmup = null;
    Long measure = null;
    int[] sz = null;
    Integer nodes = null;
    boolean w = true;
    boolean h = true;
    boolean kb = true;
    int starts = 0;
    String face = "bridge";
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> q = true;
        case "--full" -> q = false;
        case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
        case "--measure-ms" -> measure = Long.parseLong(args[++i]);
        case "--sizes" -> sz = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--heap-nodes" -> nodes = Integer.parseInt(args[++i]);
        case "--in-flight" -> inf = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--sync" -> {
          String[] v = args[++i].split(",");
          sy = new boolean[v.length];
          for (int k = 0; k < v.length; k++) {
            sy[k] = v[k].equals("on");
          }
        }
        case "--server-flags" -> Servers.EXTRA_FLAGS.addAll(List.of(args[++i].split(",")));
        case "--no-heap" -> h = false;
        case "--no-workloads" -> w = false;
        case "--no-kafka" -> kb = false;
        case "--start-only" -> starts = Integer.parseInt(args[++i]);
        case "--baton-face" -> {
          face = args[++i];
          if (!face.equals("bridge") && !face.equals("zookeeper")) {
            throw new IllegalArgumentException("--baton-face is bridge or zookeeper, was " + face);
          }
        }
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (known: --quick, --full, "
            + "--warmup-ms N, --measure-ms N, --sizes 100,4096, --in-flight 1,64, --sync on,off, --heap-nodes N, --no-heap, "
            + "--no-workloads, --no-kafka, --start-only N, --server-flags F1,F2, --baton-face bridge|zookeeper, --out DIR)");
      }
    }
    this.quick = q;
    this.zookeeperFace = face.equals("zookeeper");
    this.warmupMs = warmup != null ? warmup : q ? 500 : 3_000;
    this.measureMs = measure != null ? measure : q ? 2_000 : 10_000;
    this.sizes = sz != null ? sz : q ? new int[] {100} : new int[] {100, 4096};
    this.heapNodes = nodes != null ? nodes : q ? 200_000 : 1_000_000;
    this.inFlights = inf;
    this.syncs = sy;
    this.startRuns = starts;
    this.workloads = w && starts == 0;
    this.heap = h && starts == 0;
    this.kafka = kb && starts == 0;
    this.outDir = out != null ? out : repoRoot().resolve("results");
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "compare-logback.xml");
    }
    System.setProperty("java.awt.headless", "true");
    Compare c = new Compare(args);
    int code = 0;
    try {
      c.run();
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    } finally {
      c.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.exit(code);
  }

  private void run() throws Exception {
    long started = System.nanoTime();
    Servers.classpath(); // fix the servers' code now
    progress("Baton vs ZooKeeper 3.9.5, %s mode; results go to %s", quick ? "quick" : "full", outDir);
    if (startRuns > 0) {
      startOnly();
    }
    if (workloads) {
      floor = DiskFloor.measure(Path.of(System.getProperty("java.io.tmpdir")), 200, quick ? 1_000 : 3_000);
      progress("disk floor: %s", floor.describe());
      for (boolean sync : syncs) {
        for (int size : sizes) {
          Map<String, Load.Result> baton = guarded("Baton", sync, size);
          Map<String, Load.Result> zk = guarded("ZooKeeper", sync, size);
          for (int inFlight : inFlights) {
            for (String w : WORKLOADS) {
              String key = w + "/" + inFlight;
              rows.add(new Row(w, size, inFlight, sync, baton.get(key), zk.get(key)));
            }
          }
        }
      }
    }
    if (heap) {
      for (String name : new String[] {"Baton", "ZooKeeper"}) {
        try {
          heapResults.put(name, heapAndRestart(name));
        } catch (Exception e) {
          failed(name + " heap/restart", e);
          heapResults.put(name, null);
        }
      }
    }
    if (kafka) {
      try {
        kafkaBridge();
      } catch (Exception e) {
        failed("Kafka bridge benchmark", e);
      }
    }
    double minutes = (System.nanoTime() - started) / 60e9;
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Files.createDirectories(outDir);
    Path md = outDir.resolve("compare-" + stamp + ".md");
    Path png = outDir.resolve("compare-" + stamp + ".png");
    String report = report(minutes, png.getFileName().toString());
    System.out.println();
    System.out.println(report);
    Files.writeString(md, report);
    if (!rows.isEmpty()) {
      List<Chart.Group> groups = new ArrayList<>();
      for (Row r : rows) {
        groups.add(new Chart.Group(List.of(r.workload.replace(" 90/10", ""), sizeLabel(r.size) + " ×" + r.inFlight,
            r.sync ? "sync on" : "sync off"), ops(r.baton), ops(r.zk), p99(r.baton), p99(r.zk)));
      }
      Chart.write(png, "Baton vs Apache ZooKeeper 3.9.5" + (quick ? " (quick mode)" : ""),
          String.format(Locale.ROOT, "%d sessions, %d ms per row after %d ms warm-up, both servers -Xmx1g G1 as child "
              + "processes on 127.0.0.1, %d cores; %s", SESSIONS, measureMs, warmupMs,
              Runtime.getRuntime().availableProcessors(), stamp), groups);
    }
    System.out.println("Written: " + md + (rows.isEmpty() ? "" : " and " + png));
    if (failures > 0) {
      throw new IllegalStateException(failures + " part(s) failed; see the notes of the report");
    }
  }

  // ------------------------------------------------------------------ workloads

  /** {@link #workloadsOn}, or an empty map (rows reported as failed) if the server fails. */
  private Map<String, Load.Result> guarded(String name, boolean sync, int size) {
    try {
      return workloadsOn(name, sync, size);
    } catch (Exception e) {
      failed(String.format(Locale.ROOT, "%s workloads (%s, %s)", name, sync ? "sync on" : "sync off", sizeLabel(size)), e);
      return Map.of();
    }
  }

  private void failed(String what, Exception e) {
    failures++;
    progress("FAILED: %s: %s", what, e);
    String msg = String.valueOf(e.getMessage());
    notes.add("**" + what + " failed**: " + e.getClass().getSimpleName() + ": "
        + msg.lines().limit(3).reduce((a, b) -> a + " / " + b).orElse(""));
  }

  private Server newServer(String name, boolean sync, Long snapshotEvery) throws Exception {
    Path dir = Files.createTempDirectory("compare-" + name.toLowerCase(Locale.ROOT));
    if (!name.equals("Baton")) {
      return new ZkServer(dir, sync, snapshotEvery);
    }
    BatonServer baton = new BatonServer(vertx, dir, sync ? "group" : "none", snapshotEvery);
    return zookeeperFace ? baton.viaZooKeeperFace() : baton;
  }

  /** Starts a fresh server, runs every workload row on it; keys "workload/inFlight". */
  private Map<String, Load.Result> workloadsOn(String name, boolean sync, int size) throws Exception {
    Server server = newServer(name, sync, null);
    byte[] value = new byte[size];
    new Random(42).nextBytes(value);
    Map<String, Load.Result> results = new LinkedHashMap<>();
    server.start();
    try (Target t = server.connect(SESSIONS, 120_000)) {
      Load.Result parents = Load.run(1, 1, 0, TimeUnit.MINUTES.toMillis(1), 2,
          (s, n, d) -> t.create(s, n == 0 ? "/k" : "/c", new byte[0], d));
      Load.Result setup = Load.run(SESSIONS, 64, 0, TimeUnit.MINUTES.toMillis(10), KEYS,
          (s, n, d) -> t.create(s, key(n), value, d));
      if (parents.errors() + setup.errors() > 0) {
        throw new IllegalStateException(name + ": " + (parents.errors() + setup.errors()) + " errors creating the keys");
      }
      // warm both sides up once (JIT, connections) before the first row: mixed reads and writes, 64 in flight
      Load.run(SESSIONS, 64, 0, Math.max(1_000, warmupMs), Long.MAX_VALUE, (s, n, d) -> {
        if (n % 2 == 0) {
          t.setData(s, randomKey(), value, d);
        } else {
          t.getData(s, randomKey(), d);
        }
      });
      long createCap = Math.min(CREATE_MAX_PER_ROW, CREATE_BYTES_PER_ROW / size);
      for (int inFlight : inFlights) {
        for (String w : WORKLOADS) {
          String prefix = "/c/r" + inFlight + "-";
          Load.Op op = switch (w) {
            case "create" -> (s, n, d) -> t.create(s, prefix + n, value, d);
            case "setData" -> (s, n, d) -> t.setData(s, randomKey(), value, d);
            case "getData" -> (s, n, d) -> t.getData(s, randomKey(), d);
            default -> (s, n, d) -> {
              if (ThreadLocalRandom.current().nextInt(10) == 0) {
                t.setData(s, randomKey(), value, d);
              } else {
                t.getData(s, randomKey(), d);
              }
            };
          };
          // creates are capped (server heap); their row skips the per-row warm-up so the cap is not spent
          // before the measured window (both servers are warmed up once above)
          boolean create = w.equals("create");
          BatonServer timed = sync && !w.equals("getData") && server instanceof BatonServer b ? b : null;
          WriteBreakdown.Scrape before = timed == null ? null : WriteBreakdown.scrape(timed.adminPort());
          Load.Result r = Load.run(SESSIONS, inFlight, create ? 0 : warmupMs, measureMs,
              create ? createCap : Long.MAX_VALUE, op);
          server.checkAlive();
          if (timed != null) {
            breakdowns.put(String.format(Locale.ROOT, "%s, %s, %d in flight", w, sizeLabel(size), inFlight),
                WriteBreakdown.between(before, WriteBreakdown.scrape(timed.adminPort())));
          }
          results.put(w + "/" + inFlight, r);
          progress("%-9s %-8s %-5s x%-2d %-9s %,10.0f ops/s  p50 %7.3f  p99 %7.3f  p99.9 %7.3f  max %7.3f ms%s%s",
              name, sync ? "sync on" : "sync off", sizeLabel(size), inFlight, w, r.opsPerSec(), r.ms(50), r.ms(99),
              r.ms(99.9), r.latency().getMaxValue() / 1e6, r.errors() > 0 ? "  ERRORS " + r.errors() : "",
              r.capped() ? String.format(Locale.ROOT, "  (capped at %,d creates)", createCap) : "");
          if (r.errors() > 0) {
            notes.add(String.format(Locale.ROOT, "%s, %s, %s, %d in flight, %s: %,d requests failed (each failure "
                + "stops its slot).", name, sync ? "sync on" : "sync off", sizeLabel(size), inFlight, w, r.errors()));
          }
          if (r.capped()) {
            notes.add(String.format(Locale.ROOT, "%s, %s, %s, %d in flight, create: reached the cap of %,d creates "
                    + "after %.1f s of the measured window; ops/s is over that shorter window.", name,
                sync ? "sync on" : "sync off", sizeLabel(size), inFlight, createCap, r.seconds()));
          }
        }
      }
    } finally {
      server.stop();
      server.deleteDir();
    }
    return results;
  }

  /** The key paths, made once: formatting one per request would cost the client more CPU than the request. */
  private static final String[] KEY_PATHS = java.util.stream.IntStream.range(0, KEYS)
      .mapToObj(i -> String.format(Locale.ROOT, "/k/%04d", i)).toArray(String[]::new);

  private static String key(long i) {
    return KEY_PATHS[(int) i];
  }

  private static String randomKey() {
    return KEY_PATHS[ThreadLocalRandom.current().nextInt(KEYS)];
  }

  // ------------------------------------------------------------------ start

  /** {@code --start-only}: empty starts to the first read, the servers taking turns; the first round unrecorded. */
  private void startOnly() throws Exception {
    for (int round = 0; round <= startRuns; round++) {
      for (String name : new String[] {"Baton", "ZooKeeper"}) {
        Server server = newServer(name, false, null);
        try {
          long t0 = System.nanoTime();
          server.start();
          try (Target t = server.connect(1, 120_000)) {
            t.read("/");
          }
          long ms = (System.nanoTime() - t0) / 1_000_000;
          if (round > 0) {
            startMs.computeIfAbsent(name, k -> new ArrayList<>()).add(ms);
          }
          progress("%s: empty start to first read %,d ms%s", name, ms, round == 0 ? " (warm-up round, unrecorded)" : "");
        } finally {
          server.stop();
          server.deleteDir();
        }
      }
    }
  }

  // ------------------------------------------------------------------ heap and restart

  private HeapResult heapAndRestart(String name) throws Exception {
    // Automatic snapshots off while loading, so the first restart replays the whole log.
    Server server = newServer(name, false, name.equals("Baton") ? 0L : 1_000_000_000L);
    byte[] value = new byte[100];
    new Random(7).nextBytes(value);
    String last = heapPath(heapNodes - 1);
    try {
      long start0 = System.nanoTime();
      server.start();
      long emptyStartMs;
      try (Target t = server.connect(1, 120_000)) {
        t.read("/");
        emptyStartMs = (System.nanoTime() - start0) / 1_000_000;
        Load.run(1, 1, 0, 60_000, 1, (s, n, d) -> t.create(s, "/heap", new byte[0], d));
      }
      long empty = server.heapUsedAfterGc();
      long nodes;
      Load.Result load;
      try (Target t = server.connect(SESSIONS, 120_000)) {
        progress("%s: creating %,d znodes of 100 bytes (64 in flight, sync off)", name, heapNodes);
        load = Load.run(SESSIONS, 64, 0, TimeUnit.HOURS.toMillis(2), heapNodes,
            (s, n, d) -> t.create(s, heapPath(n), value, d));
        if (load.errors() > 0) {
          throw new IllegalStateException(name + ": " + load.errors() + " creates failed while loading");
        }
        nodes = t.nodeCount();
      }
      long loaded = server.heapUsedAfterGc();
      progress("%s: heap after GC %.1f MiB empty, %.1f MiB with %,d nodes (load %,.0f creates/s)", name,
          empty / 1048576.0, loaded / 1048576.0, nodes, load.opsPerSec());

      server.kill();
      long t0 = System.nanoTime();
      server.start();
      long replayMs;
      long nodesAfter;
      long snapshotMs = -1;
      try (Target t = server.connect(1, TimeUnit.MINUTES.toMillis(30))) {
        t.read(last);
        replayMs = (System.nanoTime() - t0) / 1_000_000;
        nodesAfter = t.nodeCount();
        if (t instanceof BatonTarget b) {
          long s0 = System.nanoTime();
          b.snapshot();
          snapshotMs = (System.nanoTime() - s0) / 1_000_000;
        }
      }
      progress("%s: restart after kill -9 replaying the log: %,d ms to the first read (%,d nodes)", name, replayMs,
          nodesAfter);
      server.kill();
      long t1 = System.nanoTime();
      server.start();
      long snapshotRestartMs;
      try (Target t = server.connect(1, TimeUnit.MINUTES.toMillis(30))) {
        t.read(last);
        snapshotRestartMs = (System.nanoTime() - t1) / 1_000_000;
      }
      progress("%s: restart from a snapshot: %,d ms to the first read", name, snapshotRestartMs);
      return new HeapResult(emptyStartMs, empty, loaded, nodes, load.opsPerSec(), replayMs, nodesAfter, snapshotMs,
          snapshotRestartMs);
    } finally {
      server.stop();
      server.deleteDir();
    }
  }

  // ------------------------------------------------------------------ Kafka bridge

  /**
   * Runs the kafka-bridge module's {@code BridgeBench} in a child JVM: a Baton node (durability
   * group) with its Kafka bridge, against a real broker from Apache Kafka's artifacts. ZooKeeper has
   * no counterpart, so these figures are Baton's alone.
   */
  private void kafkaBridge() throws Exception {
    Path dir = Files.createTempDirectory("compare-kafka");
    Path out = dir.resolve("bridge-bench.txt");
    List<String> args = new ArrayList<>(io.baton.vertx.launcher.JvmFlags.ALL);
    args.addAll(List.of("-Xmx1g", Servers.LOGBACK, "-Dbench.out=" + out,
        "-Dbench.entries=" + (quick ? 50_000 : 200_000), "-Dbench.seconds=" + (quick ? 5 : 20),
        "-Dbench.warmup=" + (quick ? 2 : 3), "-Dbench.rate=10000",
        "-cp", Servers.classpath(), "io.baton.kafka.BridgeBench"));
    progress("Kafka bridge: BridgeBench in a child JVM (%s mode)", quick ? "quick" : "full");
    Process p = Servers.startJava(args, dir, dir.resolve("bridge-bench.log"));
    try {
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        throw new IllegalStateException("BridgeBench did not finish in 15 minutes; log in " + dir);
      }
    } finally {
      Servers.stop(p); // SIGTERM first: its broker fixture stops the broker in a shutdown hook
    }
    if (p.exitValue() != 0 || !Files.exists(out)) {
      throw new IllegalStateException("BridgeBench exited with " + p.exitValue() + "; log in " + dir);
    }
    for (String line : Files.readAllLines(out)) {
      if (!line.startsWith("bridge status")) {
        kafkaReport.add(line);
        progress("Kafka bridge: %s", line);
      }
    }
    Servers.deleteDir(dir);
  }

  private static String heapPath(long n) {
    return String.format(Locale.ROOT, "/heap/n-%010d", n);
  }

  // ------------------------------------------------------------------ report

  private String report(double minutes, String pngName) {
    StringBuilder sb = new StringBuilder();
    String mode = startRuns > 0 ? "start only" : quick ? "quick mode" : "full mode";
    sb.append("# Baton").append(zookeeperFace ? " (ZooKeeper face)" : "").append(" vs Apache ZooKeeper 3.9.5 (")
        .append(mode).append(")\n\n");
    sb.append(String.format(Locale.ROOT, "Run of %s, %.1f minutes. Figures from one run on a possibly shared machine: "
        + "they vary from run to run; compare the two servers within a run.%n%n",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), minutes));
    sb.append("## Settings\n\n");
    sb.append(String.format(Locale.ROOT, "- Machine: %d cores, %s %s, Java %s (%s); load average at the end: %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), System.getProperty("java.vm.name"), loadAverage()));
    sb.append("- Servers: separate child JVMs on 127.0.0.1, both `")
        .append(String.join(" ", Servers.SERVER_JVM)).append("`")
        .append(Servers.EXTRA_FLAGS.isEmpty() ? "" : " plus `" + String.join(" ", Servers.EXTRA_FLAGS) + "`")
        .append("; data directories under ").append(tempDirLabel()).append(".\n");
    sb.append("  - Baton: as its README runs it, `java -XX:SharedArchiveFile=baton-server.jsa -jar baton-server.jar "
        + "--durability group|none` (a copy of the built jar, its class archive made by the build's training run), "
        + "its launcher's logging (INFO), TCP event-bus bridge, plus `JvmFlags.ALL` (")
        .append(JvmFlags.ALL.size()).append(" flags); other settings default (groupCommitMs 0: an fsync starts as soon as the previous one ends, snapshot every 100,000 entries).\n");
    sb.append("  - ZooKeeper: `ZooKeeperServerMain zoo.cfg` standalone from the benchmark's class path, warnings-only logging, ").append(ZkServer.configSummary())
        .append("; NIO server, default snapCount 100,000.\n");
    sb.append("- Durability: **sync on** = Baton `group` (acknowledged after an fsync; writes that arrive during an fsync share the next one) "
        + "vs ZooKeeper `forceSync=yes` (acknowledged after the fsync of its group of writes); **sync off** = Baton "
        + "`none` vs `forceSync=no` (both acknowledged from the page cache).\n");
    sb.append(String.format(Locale.ROOT, "- Client: this JVM, %d sessions per server (Baton: %s; ZooKeeper: "
        + "`org.apache.zookeeper.ZooKeeper` async API with callbacks). "
        + "Closed loop: N requests in flight, slot i on session i mod %d (1 in flight = one request at a time on one "
        + "session; 64 = 16 per session).%n", SESSIONS, zookeeperFace
        ? "**the same official ZooKeeper client on Baton's ZooKeeper port** (`--baton-face zookeeper`)"
        : "`CoordinationClient.connectBridge`, one TCP connection and event loop each", SESSIONS));
    if (workloads) {
      sb.append(String.format(Locale.ROOT, "- Workloads: `create` (new persistent node per request, unique names; at most "
          + "%,d creates or %d MiB per row), `setData` / `getData` on %,d existing keys picked at random, `mix 90/10` "
          + "(90%% getData / 10%% setData). Values: %s. Fresh server and data dir per durability and value size.%n",
          CREATE_MAX_PER_ROW, CREATE_BYTES_PER_ROW >> 20, KEYS, sizesLabel()));
      sb.append(String.format(Locale.ROOT, "- Each server first gets %,d ms of 50/50 setData/getData at 64 in flight "
          + "(unmeasured); then each row: %,d ms warm-up, %,d ms measured; latency = request to completion callback, "
          + "HdrHistogram (3 significant digits).%n", Math.max(1_000, warmupMs), warmupMs, measureMs));
    }
    if (heap) {
      sb.append(String.format(Locale.ROOT, "- Heap/restart: %,d znodes of 100 B under one parent%s, created with 64 in "
          + "flight, sync off, automatic snapshots off; heap = `jcmd <pid> GC.run` (twice) then `GC.heap_info` used, in "
          + "each server process. Restart = process start to the first successful getData of the last node created "
          + "(client connect and session included), after `kill -9`.%n", heapNodes,
          heapNodes < 1_000_000 ? " (**reduced from 1,000,000" + (quick ? " in quick mode" : "") + "**)" : ""));
    }
    sb.append('\n');

    if (!rows.isEmpty()) {
      sb.append("## Throughput and latency\n\n");
      sb.append("Ratios are Baton / ZooKeeper: ops/s above 1 and p99 below 1 favour Baton.\n\n");
      sb.append("| workload | value | in flight | sync | Baton ops/s | ZooKeeper ops/s | ops/s ratio | "
          + "Baton p50 / p99 / p99.9 / max ms | ZooKeeper p50 / p99 / p99.9 / max ms | p99 ratio |\n");
      sb.append("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rows) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
            r.workload, sizeLabel(r.size), r.inFlight, r.sync ? "on" : "off", opsCell(r.baton), opsCell(r.zk),
            ratio(ops(r.baton), ops(r.zk)), pct(r.baton), pct(r.zk), ratio(p99(r.baton), p99(r.zk))));
      }
      sb.append("\nChart: `").append(pngName).append("`\n\n");
      writeTimes(sb);
    }

    if (!startMs.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "## Start of an empty server, to first read (%d runs each)%n%n", startRuns));
      sb.append("Process start to the first successful getData of `/` (client connect and session included); the "
          + "servers take turns, after one unrecorded round of each.\n\n");
      sb.append("| server | min ms | median ms | max ms | runs (ms) |\n|---|---:|---:|---:|---|\n");
      for (Map.Entry<String, List<Long>> e : startMs.entrySet()) {
        List<Long> sorted = e.getValue().stream().sorted().toList();
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
            : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %s |%n", e.getKey(), sorted.get(0), median,
            sorted.get(sorted.size() - 1), e.getValue().stream().map(String::valueOf)
                .reduce((a, b) -> a + ", " + b).orElse("")));
      }
      sb.append('\n');
    }
    if (!heapResults.isEmpty()) {
      HeapResult b = heapResults.get("Baton");
      HeapResult z = heapResults.get("ZooKeeper");
      sb.append(String.format(Locale.ROOT, "## Heap and restart with %,d znodes%s%n%n", heapNodes,
          heapNodes < 1_000_000 ? " (" + (quick ? "quick mode: " : "") + "not 1,000,000)" : ""));
      sb.append("| measure | Baton | ZooKeeper | Baton / ZooKeeper |\n|---|---:|---:|---:|\n");
      heapLine(sb, "heap after GC, empty server (MiB)", b, z, h -> h.emptyBytes / 1048576.0, "%.1f");
      heapLine(sb, String.format(Locale.ROOT, "heap after GC with %,d znodes (MiB)", heapNodes), b, z,
          h -> h.loadedBytes / 1048576.0, "%.1f");
      heapLine(sb, "heap above empty, per znode (bytes)", b, z,
          h -> (h.loadedBytes - h.emptyBytes) / (double) heapNodes, "%.0f");
      heapLine(sb, "znodes reported by the server (incl. its own)", b, z, h -> h.nodes, "%,.0f");
      heapLine(sb, "load rate (creates/s, 64 in flight, sync off)", b, z, h -> h.loadOpsPerSec, "%,.0f");
      heapLine(sb, "start of an empty server, to first read (ms)", b, z, h -> h.emptyStartMs, "%,.0f");
      heapLine(sb, String.format(Locale.ROOT, "restart replaying %,d log entries, to first read (ms)", heapNodes),
          b, z, h -> h.replayMs, "%,.0f");
      heapLine(sb, "restart from a snapshot, to first read (ms)", b, z, h -> h.snapshotRestartMs, "%,.0f");
      sb.append('\n');
      sb.append("After the log replay, ZooKeeper writes a snapshot of the whole tree before it serves "
          + "(`ZooKeeperServer.loadData`, on every start), so both of its restart figures include writing one");
      if (b != null) {
        sb.append(String.format(Locale.ROOT, "; Baton serves first and its snapshot was requested afterwards with the "
            + "`snapshot` op (%,d ms)", b.snapshotMs));
      }
      sb.append(String.format(Locale.ROOT, ". Nodes after the replay: Baton %s, ZooKeeper %s.%n%n",
          b == null ? "n/a" : String.format(Locale.ROOT, "%,d", b.nodesAfterReplay),
          z == null ? "n/a" : String.format(Locale.ROOT, "%,d", z.nodesAfterReplay)));
    }
    if (!kafkaReport.isEmpty()) {
      sb.append("## Kafka bridge (Baton only: ZooKeeper has no counterpart)\n\n");
      sb.append("One Baton node (durability group) and its Kafka bridge in one JVM, a Kafka broker (KRaft, "
          + "from Apache Kafka's Maven artifacts) as a child process; lag is measured from the reply to a write "
          + "to the acknowledgement of the Kafka transaction holding its event.\n\n");
      kafkaReport.forEach(l -> sb.append("- ").append(l).append('\n'));
      sb.append('\n');
    }
    if (!notes.isEmpty()) {
      sb.append("## Notes\n\n");
      notes.forEach(n -> sb.append("- ").append(n).append('\n'));
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The disk's floor and where Baton's synced writes spent their time, against it. */
  private void writeTimes(StringBuilder sb) {
    if (floor == null) {
      return;
    }
    sb.append("## Synced writes against the disk's floor\n\n");
    sb.append("Disk floor, measured in this run in the servers' temp directory: ").append(floor.describe()).append(".\n\n");
    sb.append("Baton's own timers (its admin port's Prometheus histograms, scraped before and after each row; means "
        + "per write): fsync of the transaction log, append to commit (the fsync plus the hand-offs to the syncing "
        + "thread and back, and waiting for a group's fsync), apply (tree, watches, reply). Client mean = the "
        + "request's round trip seen by the client.\n\n");
    sb.append("| row | client mean µs | x floor | fsync µs | append→commit µs | apply µs | writes per fsync |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      if (!r.sync || r.baton == null || r.workload.equals("getData")) {
        continue;
      }
      WriteBreakdown b = breakdowns.get(String.format(Locale.ROOT, "%s, %s, %d in flight", r.workload,
          sizeLabel(r.size), r.inFlight));
      if (b == null) {
        continue;
      }
      double meanUs = r.baton.latency().getMean() / 1e3;
      sb.append(String.format(Locale.ROOT, "| %s, %s, %d in flight | %.0f | %.1f | %.0f | %.0f | %.0f | %.1f |%n",
          r.workload, sizeLabel(r.size), r.inFlight, meanUs, meanUs / floor.meanUs(), b.fsyncUs(), b.appendToCommitUs(),
          b.applyUs(), b.fsyncs() == 0 ? 0.0 : b.writes() / (double) b.fsyncs()));
    }
    sb.append('\n');
    writeCeilings(sb);
  }

  /**
   * One write at a time, a synced write cannot take less than a request's round trip plus one fsync:
   * the most Baton could do here if a write cost it nothing more, from its getData round trip and the
   * floor of the same run, as a multiple of ZooKeeper's ops/s (what a ratio aim at 1 in flight can
   * reach on this disk).
   */
  private void writeCeilings(StringBuilder sb) {
    List<String> lines = new ArrayList<>();
    for (Row r : rows) {
      if (!r.sync || r.inFlight != 1 || r.baton == null || r.zk == null || r.workload.equals("getData")
          || r.workload.startsWith("mix")) {
        continue;
      }
      Row read = rows.stream().filter(o -> o.sync && o.inFlight == 1 && o.size == r.size && o.baton != null
          && o.workload.equals("getData")).findFirst().orElse(null);
      if (read == null) {
        continue;
      }
      double roundTripUs = read.baton.latency().getMean() / 1e3;
      double ceiling = 1e6 / (roundTripUs + floor.meanUs());
      lines.add(String.format(Locale.ROOT, "| %s, %s | %.0f | %.0f | %,.0f | %,.0f | %.2f | %.2f |", r.workload,
          sizeLabel(r.size), roundTripUs, floor.meanUs(), ceiling, r.zk.opsPerSec(), ceiling / r.zk.opsPerSec(),
          r.baton.opsPerSec() / r.zk.opsPerSec()));
    }
    if (lines.isEmpty()) {
      return;
    }
    sb.append("One synced write at a time cannot take less than a request's round trip plus one fsync. The ceiling "
        + "below counts Baton's getData round trip (same size, 1 in flight) plus the floor's mean: the ops/s Baton "
        + "would reach if a write cost it nothing more, and that as a multiple of ZooKeeper's.\n\n");
    sb.append("| row, 1 in flight | getData round trip µs | floor µs | ceiling ops/s | ZooKeeper ops/s | ceiling ratio "
        + "| Baton's ratio |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
    lines.forEach(l -> sb.append(l).append('\n'));
    sb.append('\n');
  }

  private static void heapLine(StringBuilder sb, String label, HeapResult baton, HeapResult zk,
                               java.util.function.ToDoubleFunction<HeapResult> f, String fmt) {
    double vb = baton == null ? Double.NaN : f.applyAsDouble(baton);
    double vz = zk == null ? Double.NaN : f.applyAsDouble(zk);
    sb.append("| ").append(label).append(" | ").append(baton == null ? "failed" : String.format(Locale.ROOT, fmt, vb))
        .append(" | ").append(zk == null ? "failed" : String.format(Locale.ROOT, fmt, vz)).append(" | ")
        .append(ratio(vb, vz)).append(" |\n");
  }

  private static double ops(Load.Result r) {
    return r == null ? Double.NaN : r.opsPerSec();
  }

  private static double p99(Load.Result r) {
    return r == null ? Double.NaN : r.ms(99);
  }

  private static String opsCell(Load.Result r) {
    return r == null ? "failed" : String.format(Locale.ROOT, "%,.0f", r.opsPerSec());
  }

  private static String pct(Load.Result r) {
    if (r == null) {
      return "failed";
    }
    if (r.latency().getTotalCount() == 0) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%s / %s / %s / %s", ms(r.ms(50)), ms(r.ms(99)), ms(r.ms(99.9)),
        ms(r.latency().getMaxValue() / 1e6));
  }

  static String ms(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ratio(double a, double b) {
    if (!(b > 0) || !Double.isFinite(a) || !Double.isFinite(b)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f", a / b);
  }

  private static String sizeLabel(int size) {
    return size >= 1024 && size % 1024 == 0 ? (size / 1024) + " KiB" : size + " B";
  }

  private String sizesLabel() {
    List<String> l = new ArrayList<>();
    for (int s : sizes) {
      l.add(sizeLabel(s));
    }
    return String.join(", ", l) + (quick && sizes.length == 1 ? " (quick mode: 100 B only)" : "");
  }

  private static String tempDirLabel() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try {
      return tmp + " (" + Files.getFileStore(tmp).type() + ")";
    } catch (Exception e) {
      return tmp.toString();
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "n/a";
    }
  }

  /** The directory holding the root pom.xml and bench/ (the benchmark runs from bench/ under exec:exec). */
  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    for (Path q = p; q != null; q = q.getParent()) {
      if (Files.isRegularFile(q.resolve("pom.xml")) && Files.isDirectory(q.resolve("bench"))) {
        return q;
      }
    }
    return p;
  }

  static void progress(String fmt, Object... args) {
    System.err.printf(Locale.ROOT, "[%s] %s%n", LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")),
        String.format(Locale.ROOT, fmt, args));
  }
}
