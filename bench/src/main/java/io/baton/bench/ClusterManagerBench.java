package io.baton.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Baton's Vert.x cluster manager against vertx-hazelcast, side by side in one run: two clustered Vert.x
 * instances in child JVMs ({@link ClusterNode}), one answering on an address, the other sending it
 * event-bus requests (100-byte body, 1 and 64 in flight: requests/s, p50/p99/p99.9); then the responder
 * is killed with {@code kill -9} and the requester's cluster manager is watched until the responder's
 * registration is gone and a send fails with NO_HANDLERS. Baton runs as one node in a child JVM (the
 * real launcher, durability {@code group}); Hazelcast members bind 127.0.0.1 and join over TCP-IP. Both
 * managers run with their default failure detection (Baton: the cluster manager's 10 s session), Baton
 * also with a 2 s session ({@code --managers baton,baton:2000,hazelcast}).
 *
 * <p>Prints a Markdown table and writes it to {@code results/} at the repository root. {@code --quick}:
 * 1 s warm-up, 3 s per row, one kill per manager; full: 5 s, 15 s, three kills.
 */
public final class ClusterManagerBench {
  private final boolean quick;
  private final int[] inFlights;
  private final long warmupMs;
  private final long measureMs;
  private final int kills;
  private final List<String> managers;
  private final Path outDir;
  private final Path work;

  record Row(String manager, int inFlight, long ops, double seconds, long errors, long p50Ns, long p99Ns,
             long p999Ns) {
  }

  record Kill(String manager, long registrationsGoneMs, long noHandlersMs) {
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<Kill> killRows = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  private ClusterManagerBench(String[] rawArgs) throws IOException {
    String[] args = BenchArgs.split(rawArgs);
    boolean q = false;
    int[] inf = {1, 64};
    Long warmup = null;
    Long measure = null;
    Integer k = null;
    List<String> m = List.of("baton", "baton:2000", "hazelcast");
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> q = true;
        case "--full" -> q = false;
        case "--in-flight" -> inf = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--warmup-ms" -> warmup = Long.parseLong(args[++i]);
        case "--measure-ms" -> measure = Long.parseLong(args[++i]);
        case "--kills" -> k = Integer.parseInt(args[++i]);
        case "--managers" -> m = List.of(args[++i].split(","));
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (known: --quick, --full, "
            + "--in-flight 1,64, --warmup-ms N, --measure-ms N, --kills N, --managers baton,baton:2000,hazelcast, --out DIR)");
      }
    }
    this.quick = q;
    this.inFlights = inf;
    this.warmupMs = warmup != null ? warmup : q ? 1_000 : 5_000;
    this.measureMs = measure != null ? measure : q ? 3_000 : 15_000;
    this.kills = k != null ? k : q ? 1 : 3;
    this.managers = m;
    this.outDir = out != null ? out : Compare.repoRoot().resolve("results");
    this.work = Files.createTempDirectory("cluster-manager-bench");
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "compare-logback.xml");
    }
    int code = 0;
    try {
      new ClusterManagerBench(args).run();
    } catch (Exception e) {
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private void run() throws Exception {
    long started = System.nanoTime();
    Servers.classpath(); // fix the children's code now
    String load = Compare.loadAverage();
    Compare.progress("Vert.x cluster managers, Baton vs Hazelcast, %s mode; results go to %s",
        quick ? "quick" : "full", outDir);
    for (String manager : managers) {
      try {
        measure(manager);
      } catch (Exception e) {
        failures.add(manager + ": " + e);
        Compare.progress("%s failed: %s", manager, e);
      }
    }
    String report = report((System.nanoTime() - started) / 60e9, load);
    System.out.println();
    System.out.println(report);
    Files.createDirectories(outDir);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Files.writeString(outDir.resolve("cluster-manager-" + stamp + ".md"), report);
    Servers.deleteDir(work);
  }

  /** One manager: a Baton node if needed, a responder and a requester; the load rows, then the kills. */
  private void measure(String manager) throws Exception {
    Path dir = Files.createDirectories(work.resolve(manager.replace(':', '-')));
    Servers.BatonServer baton = null;
    List<String> responderArgs;
    List<String> requesterArgs;
    if (manager.startsWith("baton")) {
      String session = manager.contains(":") ? manager.substring(manager.indexOf(':') + 1) : "10000";
      baton = new Servers.BatonServer(null, dir.resolve("baton"), "group", null);
      Files.createDirectories(baton.dir);
      baton.start();
      awaitLog(baton.log, "Baton ready", 60);
      String server = "127.0.0.1:" + baton.port;
      responderArgs = List.of("baton", server, session, "responder");
      requesterArgs = List.of("baton", server, session, "requester");
    } else if (manager.equals("hazelcast")) {
      int p1 = Servers.freePort();
      int p2 = Servers.freePort();
      String members = p1 + "," + p2;
      responderArgs = List.of("hazelcast", Integer.toString(p1), members, "responder");
      requesterArgs = List.of("hazelcast", Integer.toString(p2), members, "requester");
    } else {
      throw new IllegalArgumentException("manager is baton, baton:<session ms> or hazelcast, was " + manager);
    }
    Child responder = null;
    Child requester = null;
    try {
      Compare.progress("%s: starting the responder and the requester", manager);
      responder = new Child(dir.resolve("responder-0.log"), responderArgs);
      responder.expect("READY", 180);
      requester = new Child(dir.resolve("requester.log"), requesterArgs);
      requester.expect("READY", 180);
      for (int inFlight : inFlights) {
        requester.send("load " + inFlight + " " + warmupMs + " " + measureMs);
        String[] r = requester.expect("RESULT", (int) (warmupMs / 1000 + measureMs / 1000 + 180)).split(" ");
        Row row = new Row(manager, inFlight, Long.parseLong(r[1]), Double.parseDouble(r[2]), Long.parseLong(r[3]),
            Long.parseLong(r[4]), Long.parseLong(r[5]), Long.parseLong(r[6]));
        rows.add(row);
        Compare.progress("%s, %d in flight: %,.0f requests/s, p50 %s ms, p99 %s ms", manager, inFlight,
            row.ops / row.seconds, Compare.ms(row.p50Ns / 1e6), Compare.ms(row.p99Ns / 1e6));
      }
      for (int k = 0; k < kills; k++) {
        if (k > 0) {
          responder = new Child(dir.resolve("responder-" + k + ".log"), responderArgs);
          responder.expect("READY", 180);
          requester.send("await");
          requester.expect("READY", 180);
        }
        requester.send("watch");
        requester.expect("WATCHING", 30);
        long killedAt = System.currentTimeMillis();
        responder.kill9();
        long gone = -1;
        long noHandlers = -1;
        while (gone < 0 || noHandlers < 0) {
          String[] e = requester.expectAny(200).split(" ");
          switch (e[0]) {
            case "REGISTRATIONS_GONE" -> gone = Long.parseLong(e[1]) - killedAt;
            case "NO_HANDLERS" -> noHandlers = Long.parseLong(e[1]) - killedAt;
            default -> throw new IllegalStateException("requester: " + String.join(" ", e));
          }
        }
        killRows.add(new Kill(manager, gone, noHandlers));
        Compare.progress("%s, kill -9 of the responder: registration gone after %d ms, NO_HANDLERS after %d ms",
            manager, gone, noHandlers);
      }
      requester.send("quit");
      requester.process.waitFor(30, TimeUnit.SECONDS);
    } finally {
      if (requester != null) {
        requester.kill9();
      }
      if (responder != null) {
        responder.kill9();
      }
      if (baton != null) {
        baton.stop();
      }
    }
  }

  private static void awaitLog(Path log, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!(Files.exists(log) && Files.readString(log).contains(text))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(log + " does not say '" + text + "' after " + seconds + " s");
      }
      Thread.sleep(100);
    }
  }

  /** A {@link ClusterNode} child JVM: its tagged stdout lines queued, everything else in its log. */
  private static final class Child {
    final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final PrintWriter stdin;
    private final Path log;

    Child(Path log, List<String> args) throws IOException {
      this.log = log;
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-XX:+UseG1GC", Servers.LOGBACK, "-cp", Servers.classpath(), ClusterNode.class.getName()));
      cmd.addAll(args);
      process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
      Thread reader = new Thread(this::pump, "child-" + log.getFileName());
      reader.setDaemon(true);
      reader.start();
    }

    private void pump() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           Writer w = Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith(ClusterNode.TAG)) {
            lines.add(line.substring(ClusterNode.TAG.length()));
          } else {
            w.write(line);
            w.write('\n');
            w.flush();
          }
        }
      } catch (IOException e) {
        lines.add("ERROR output lost: " + e);
      }
    }

    void send(String command) {
      stdin.println(command);
    }

    String expectAny(int seconds) throws Exception {
      String line = lines.poll(seconds, TimeUnit.SECONDS);
      if (line == null) {
        throw new IllegalStateException("no answer from " + log.getFileName() + " in " + seconds + " s"
            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")") + "; log: " + log);
      }
      return line;
    }

    String expect(String word, int seconds) throws Exception {
      String line = expectAny(seconds);
      if (!line.startsWith(word)) {
        throw new IllegalStateException(log.getFileName() + " answered '" + line + "', expected " + word);
      }
      return line;
    }

    /** SIGKILL: nothing of the child runs after it. */
    void kill9() throws InterruptedException {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private String report(double minutes, String loadBefore) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "# Vert.x cluster managers: Baton vs Hazelcast (%s mode)%n%n",
        quick ? "quick" : "full"));
    sb.append(String.format(Locale.ROOT, "%s, %d cores, Java %s, %.1f minutes; load average before: %s, after: %s.%n%n",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), minutes, loadBefore,
        Compare.loadAverage()));
    sb.append("Two clustered Vert.x 5 instances, each a child JVM (-Xmx512m, G1), event bus on 127.0.0.1; one answers on "
        + "an address, the other sends it requests with a 100-byte body. Baton: `BatonClusterManager` on one Baton node "
        + "(a third child JVM, durability `group`; the cluster manager's default 10 s session unless the row names another); Hazelcast: `vertx-hazelcast` "
        + "(Vert.x's default Hazelcast configuration, members on 127.0.0.1 joined over TCP-IP, no multicast). "
        + String.format(Locale.ROOT, "%d ms per row after %d ms of warm-up.%n%n", measureMs, warmupMs));
    sb.append("## Event-bus request/reply\n\n");
    sb.append("| cluster manager | in flight | requests/s | p50 ms | p99 ms | p99.9 ms | errors |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (int inFlight : inFlights) {
      for (Row r : rows) {
        if (r.inFlight == inFlight) {
          sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %s | %s | %s | %d |%n", label(r.manager), r.inFlight,
              r.ops / r.seconds, Compare.ms(r.p50Ns / 1e6), Compare.ms(r.p99Ns / 1e6), Compare.ms(r.p999Ns / 1e6),
              r.errors));
        }
      }
    }
    sb.append("\n## kill -9 of the responder\n\n");
    sb.append("Time from the `kill -9` to the requester's cluster manager listing no registration for the address "
        + "(`getRegistrations`), and to a request from the requester failing with `NO_HANDLERS` (polled every 10 ms).\n\n");
    sb.append("| cluster manager | registration gone s | NO_HANDLERS s |\n|---|---:|---:|\n");
    for (Kill k : killRows) {
      sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", label(k.manager), k.registrationsGoneMs / 1e3,
          k.noHandlersMs / 1e3));
    }
    for (String f : failures) {
      sb.append("\n**Failed:** ").append(f).append('\n');
    }
    return sb.toString();
  }

  private static String label(String manager) {
    if (manager.startsWith("baton:")) {
      long ms = Long.parseLong(manager.substring(6));
      return "Baton, " + (ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0)) + " s session";
    }
    return manager.equals("baton") ? "Baton" : "Hazelcast";
  }
}
