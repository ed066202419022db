package io.baton.bench;

import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.JvmFlags;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The two servers under test, each a child JVM (ZooKeeper from this JVM's own class path, Baton from
 * its server jar with its class archive, as its README runs it: {@link #serverJar}), and the
 * client side of each ({@link Target}): Baton through {@link CoordinationClient#connectBridge},
 * ZooKeeper through its asynchronous Java client.
 */
final class Servers {
  /** Heap and collector of both server JVMs. */
  static final List<String> SERVER_JVM = List.of("-Xmx1g", "-XX:+UseG1GC");
  /** Logging of the child JVMs and of the benchmark: warnings only (see compare-logback.xml). */
  static final String LOGBACK = "-Dlogback.configurationFile=compare-logback.xml";

  /** Extra JVM flags for both servers (--server-flags), e.g. GC logging. */
  static final List<String> EXTRA_FLAGS = new ArrayList<>();

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
        "compare-children"));
  }

  private static String classpath;

  private Servers() {
  }

  /** Starts a process that this JVM's shutdown kills if it is still running (e.g. ClusterBench's neighbour). */
  static Process startTracked(ProcessBuilder builder) throws java.io.IOException {
    Process p = builder.start();
    LIVE.add(p);
    return p;
  }

  /** Kills a process started by {@link #startTracked}. */
  static void stopTracked(Process p) throws InterruptedException {
    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    LIVE.remove(p);
  }

  /**
   * This JVM's class path for the servers, with SNAPSHOT jars (Baton's own modules) copied aside
   * once, so a {@code mvn install} running while the benchmark runs cannot change the code of the
   * servers it starts later.
   */
  static synchronized String classpath() {
    if (classpath == null) {
      serverJar();
      List<String> entries = new ArrayList<>();
      try {
        Path copies = Files.createTempDirectory("compare-classpath");
        copies.toFile().deleteOnExit();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
          Path p = Path.of(e);
          if (e.contains("SNAPSHOT") && e.endsWith(".jar") && Files.isRegularFile(p)) {
            Path copy = copies.resolve(p.getFileName());
            Files.copy(p, copy);
            copy.toFile().deleteOnExit();
            entries.add(copy.toString());
          } else {
            entries.add(e);
          }
        }
      } catch (IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
      classpath = String.join(java.io.File.pathSeparator, entries);
    }
    return classpath;
  }

  /** Baton's server jar and its class data sharing archive, as the benchmark runs them (see {@link #serverJar}). */
  record ServerJar(Path jar, Path archive) {
  }

  private static ServerJar serverJar;

  /**
   * Baton as its README runs it, {@code java -XX:SharedArchiveFile=baton-server.jsa -jar baton-server.jar}: a
   * copy of {@code vertx-adapter/target/baton-server.jar} (built by {@code mvn package} or {@code install}),
   * taken once like the class path's SNAPSHOT jars, so a build running beside the benchmark cannot change it.
   * An archive names the jar it was made for, so the copy gets its own, made as the build makes the jar's:
   * {@code java -XX:ArchiveClassesAtExit=baton-server.jsa -jar baton-server.jar cds-training}.
   */
  static synchronized ServerJar serverJar() {
    if (serverJar == null) {
      Path built = Compare.repoRoot().resolve("vertx-adapter").resolve("target").resolve("baton-server.jar");
      if (!Files.isRegularFile(built)) {
        throw new IllegalStateException(built + " is missing: build it first (mvn -B -q install -DskipTests)");
      }
      try {
        Path dir = Files.createTempDirectory("compare-server");
        Path jar = dir.resolve("baton-server.jar");
        Path archive = dir.resolve("baton-server.jsa");
        Path log = dir.resolve("cds-training.log");
        Files.copy(built, jar);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:ArchiveClassesAtExit=" + archive, "-jar", jar.toString(), "cds-training")
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LIVE.add(p);
        boolean exited = p.waitFor(2, TimeUnit.MINUTES);
        LIVE.remove(p);
        if (!exited || p.exitValue() != 0 || !Files.isRegularFile(archive)) {
          p.destroyForcibly();
          throw new IllegalStateException("Baton's class archive training run failed; " + log + ":\n"
              + Files.readString(log));
        }
        for (Path f : List.of(dir, jar, archive, log)) { // deleted in reverse order
          f.toFile().deleteOnExit();
        }
        serverJar = new ServerJar(jar, archive);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return serverJar;
  }

  /**
   * Starts {@code java args} in {@code dir} with its output appended to {@code log}; the process is
   * killed if the benchmark exits first.
   */
  static Process startJava(List<String> args, Path dir, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    Process process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    LIVE.add(process);
    return process;
  }

  /** SIGTERM (the child's shutdown hooks run), then kill -9 after 20 s. */
  static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }
    LIVE.remove(process);
  }

  static void deleteDir(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** The client side: sessions opened on one server, asynchronous operations on them. */
  interface Target extends AutoCloseable {
    void create(int session, String path, byte[] data, Load.Done done);

    void setData(int session, String path, byte[] data, Load.Done done);

    void getData(int session, String path, Load.Done done);

    /** Synchronous read of one node; throws if it fails. */
    void read(String path) throws Exception;

    /** Number of znodes the server holds. */
    long nodeCount() throws Exception;

    @Override
    void close();
  }

  /** A server child process. */
  abstract static class Server {
    final Path dir;
    final Path log;
    final int port;
    Process process;

    Server(Path dir) throws IOException {
      this.dir = dir;
      this.log = dir.resolve("server.log");
      this.port = freePort();
    }

    abstract String name();

    abstract List<String> command();

    /** Opens {@code sessions} sessions, retrying until the server serves or {@code timeoutMs} passes. */
    abstract Target connect(int sessions, long timeoutMs) throws Exception;

    void start() throws IOException {
      process = startJava(command(), dir, log);
    }

    long pid() {
      return process.pid();
    }

    void checkAlive() {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(name() + " exited with " + process.exitValue() + "; log tail:\n" + logTail());
      }
    }

    /** kill -9: nothing runs at exit, what the log holds is what a crash leaves. */
    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
      LIVE.remove(process);
    }

    void stop() throws InterruptedException {
      Servers.stop(process);
    }

    void deleteDir() throws IOException {
      Servers.deleteDir(dir);
    }

    String logTail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    /** Heap in use after a full GC, in bytes, measured in the server process with jcmd. */
    long heapUsedAfterGc() throws Exception {
      jcmd("GC.run");
      Thread.sleep(300);
      jcmd("GC.run");
      String info = jcmd("GC.heap_info");
      Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
      if (!m.find()) {
        throw new IllegalStateException("cannot parse jcmd GC.heap_info output:\n" + info);
      }
      return Long.parseLong(m.group(1)) * 1024;
    }

    private String jcmd(String command) throws Exception {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid()), command)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid() + " " + command + " failed:\n" + out);
      }
      return out;
    }
  }

  // ---------------------------------------------------------------- Baton

  static final class BatonServer extends Server {
    private final Vertx vertx;
    private final String durability;
    private final Long snapshotEveryEntries;
    private final List<String> extraArgs = new ArrayList<>();
    private final int adminPort = freePort();
    /** The port of its ZooKeeper face when the benchmark drives it with ZooKeeper's client, else 0 (any). */
    private int zkPort;

    /** durability: none | group; snapshotEveryEntries null = the node's default (100,000). */
    BatonServer(Vertx vertx, Path dir, String durability, Long snapshotEveryEntries) throws IOException {
      super(dir);
      this.vertx = vertx;
      this.durability = durability;
      this.snapshotEveryEntries = snapshotEveryEntries;
    }

    /** Member {@code nodeId} of the cluster described by {@code clusterFile} (its bridge port must be this one's). */
    BatonServer inCluster(Path clusterFile, int nodeId) {
      extraArgs.addAll(List.of("--cluster", clusterFile.toString(), "--node-id", Integer.toString(nodeId)));
      return this;
    }

    @Override
    String name() {
      return "Baton";
    }

    /** Clients will use its ZooKeeper face (the official ZooKeeper client) instead of the TCP bridge. */
    BatonServer viaZooKeeperFace() throws IOException {
      zkPort = freePort();
      return this;
    }

    /** The node's admin port (Prometheus metrics at /metrics). */
    int adminPort() {
      return adminPort;
    }

    @Override
    List<String> command() {
      // as its README runs it (the launcher's own logging: INFO to stdout, i.e. server.log, and to logs/)
      ServerJar server = serverJar();
      List<String> cmd = new ArrayList<>(JvmFlags.ALL);
      cmd.addAll(SERVER_JVM);
      cmd.addAll(EXTRA_FLAGS);
      cmd.addAll(List.of("-XX:SharedArchiveFile=" + server.archive(), "-jar", server.jar().toString(),
          "--data-dir", dir.resolve("data").toString(), "--bridge-host", "127.0.0.1",
          "--bridge-port", Integer.toString(port), "--zk-port", Integer.toString(zkPort),
          "--admin-port", Integer.toString(adminPort),
          "--durability", durability));
      cmd.addAll(extraArgs);
      if (snapshotEveryEntries != null) {
        Path config = dir.resolve("baton.json");
        try {
          Files.writeString(config, new JsonObject().put("snapshotEveryEntries", snapshotEveryEntries).encode());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        cmd.addAll(List.of("--config", config.toString()));
      }
      return cmd;
    }

    @Override
    Target connect(int sessions, long timeoutMs) throws Exception {
      ClientOptions d = ClientOptions.defaults();
      if (zkPort != 0) {
        CoordinationClient probe = client(new ClientOptions(d.address(), d.sessionTimeoutMs(), 300_000), timeoutMs);
        List<ZooKeeper> zk = ZkTarget.sessions(zkPort, sessions, this);
        return new ZkTarget(() -> Long.valueOf(await(probe.request(new JsonObject().put("op", "info")))
            .getLong("nodes")), zk);
      }
      ClientOptions options = new ClientOptions(d.address(), d.sessionTimeoutMs(), 300_000);
      List<CoordinationClient> clients = new ArrayList<>();
      clients.add(client(options, timeoutMs));
      while (clients.size() < sessions) {
        clients.add(await(onNewContext(() -> CoordinationClient.connectBridge(vertx, "127.0.0.1", port, options))));
      }
      return new BatonTarget(clients);
    }

    /** Opens a session, retrying until the node serves (a cluster member: until it has a leader). */
    CoordinationClient client(ClientOptions options, long timeoutMs) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      while (true) {
        checkAlive();
        try {
          return await(onNewContext(() -> CoordinationClient.connectBridge(vertx, "127.0.0.1", port, options)));
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Baton did not serve within " + timeoutMs + " ms; log tail:\n"
                + logTail(), e);
          }
          Thread.sleep(10);
        }
      }
    }

    /** Each client on its own event-loop context, so the sessions spread over the client's event loops. */
    private <T> Future<T> onNewContext(java.util.function.Supplier<Future<T>> f) {
      Context ctx = vertx.getOrCreateContext();
      Promise<T> p = Promise.promise();
      ctx.runOnContext(v -> f.get().onComplete(p));
      return p.future();
    }
  }

  static final class BatonTarget implements Target {
    private final List<CoordinationClient> clients;

    BatonTarget(List<CoordinationClient> clients) {
      this.clients = clients;
    }

    @Override
    public void create(int session, String path, byte[] data, Load.Done done) {
      clients.get(session).create(path, data, io.baton.core.tree.CreateMode.PERSISTENT)
          .onComplete(r -> done.done(r.succeeded()));
    }

    @Override
    public void setData(int session, String path, byte[] data, Load.Done done) {
      clients.get(session).setData(path, data, -1).onComplete(r -> done.done(r.succeeded()));
    }

    @Override
    public void getData(int session, String path, Load.Done done) {
      clients.get(session).getData(path, false).onComplete(r -> done.done(r.succeeded()));
    }

    @Override
    public void read(String path) throws Exception {
      await(clients.get(0).getData(path, false));
    }

    @Override
    public long nodeCount() throws Exception {
      return await(clients.get(0).request(new JsonObject().put("op", "info"))).getLong("nodes");
    }

    /** Writes a snapshot now (the {@code snapshot} op); returns once it is on disk. */
    void snapshot() throws Exception {
      await(clients.get(0).request(new JsonObject().put("op", "snapshot")));
    }

    @Override
    public void close() {
      for (CoordinationClient c : clients) {
        try {
          await(c.close());
        } catch (Exception ignored) {
          // the server may be gone already
        }
      }
    }
  }

  // ---------------------------------------------------------------- ZooKeeper

  static final class ZkServer extends Server {
    private final boolean forceSync;
    private final Long snapCount;
    final List<String> config = new ArrayList<>();
    private boolean quorum;

    /** snapCount null = ZooKeeper's default (100,000, randomised by up to half). */
    ZkServer(Path dir, boolean forceSync, Long snapCount) throws IOException {
      super(dir);
      this.forceSync = forceSync;
      this.snapCount = snapCount;
      config.addAll(List.of("tickTime=2000", "dataDir=" + dir.resolve("data"), "clientPort=" + port,
          "clientPortAddress=127.0.0.1", "forceSync=" + (forceSync ? "yes" : "no"), "admin.enableServer=false",
          "4lw.commands.whitelist=srvr,ruok", "maxClientCnxns=0"));
      Files.createDirectories(dir.resolve("data"));
      Files.write(dir.resolve("zoo.cfg"), config);
    }

    /**
     * Member {@code myid} of an ensemble whose {@code server.N=host:quorumPort:electionPort} lines are
     * {@code servers} (initLimit=10, syncLimit=5), run by {@code QuorumPeerMain}.
     */
    ZkServer inEnsemble(int myid, List<String> servers) throws IOException {
      quorum = true;
      config.addAll(List.of("initLimit=10", "syncLimit=5"));
      config.addAll(servers);
      Files.write(dir.resolve("zoo.cfg"), config);
      Files.writeString(dir.resolve("data").resolve("myid"), Integer.toString(myid));
      return this;
    }

    /** The zoo.cfg lines that do not vary between runs (for the report). */
    static String configSummary() {
      return "tickTime=2000, clientPortAddress=127.0.0.1, admin.enableServer=false, "
          + "4lw.commands.whitelist=srvr,ruok, maxClientCnxns=0, forceSync=yes|no";
    }

    @Override
    String name() {
      return "ZooKeeper";
    }

    @Override
    List<String> command() {
      List<String> cmd = new ArrayList<>(SERVER_JVM);
      cmd.addAll(EXTRA_FLAGS);
      cmd.add(LOGBACK);
      if (snapCount != null) {
        cmd.add("-Dzookeeper.snapCount=" + snapCount);
      }
      cmd.addAll(List.of("-cp", classpath(),
          quorum ? "org.apache.zookeeper.server.quorum.QuorumPeerMain" : "org.apache.zookeeper.server.ZooKeeperServerMain",
          dir.resolve("zoo.cfg").toString()));
      return cmd;
    }

    /** The "srvr" four-letter word's answer, or null while the port is closed or the server not serving. */
    String srvr() {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write("srvr".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        return answer.contains("Node count:") ? answer : null;
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    ZkTarget connect(int sessions, long timeoutMs) throws Exception {
      awaitServing(timeoutMs);
      return new ZkTarget(() -> {
        String answer = srvr();
        Matcher m = Pattern.compile("Node count: (\\d+)").matcher(answer == null ? "" : answer);
        if (!m.find()) {
          throw new IllegalStateException("no node count in srvr answer: " + answer);
        }
        return Long.parseLong(m.group(1));
      }, ZkTarget.sessions(port, sessions, this));
    }

    /** A connected client session on this server. */
    ZooKeeper client() throws Exception {
      return ZkTarget.sessions(port, 1, this).get(0);
    }

    void awaitServing(long timeoutMs) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
      // Wait until the server serves (its port accepts before the database is loaded), so the
      // client's first connection attempt succeeds; a failed attempt backs off up to a second.
      while (srvr() == null) {
        checkAlive();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("ZooKeeper did not serve within " + timeoutMs + " ms; log tail:\n"
              + logTail());
        }
        Thread.sleep(10);
      }
    }
  }

  /** The official ZooKeeper client's sessions on a server speaking ZooKeeper's protocol (ZooKeeper, or Baton's face). */
  static final class ZkTarget implements Target {
    private final Callable<Long> nodeCount;
    private final List<ZooKeeper> clients;

    ZkTarget(Callable<Long> nodeCount, List<ZooKeeper> clients) {
      this.nodeCount = nodeCount;
      this.clients = clients;
    }

    /** {@code sessions} sessions of the official client on 127.0.0.1:{@code port}. */
    static List<ZooKeeper> sessions(int port, int sessions, Server server) throws Exception {
      List<ZooKeeper> clients = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 30_000, e -> {
          if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
            connected.countDown();
          }
        });
        if (!connected.await(60, TimeUnit.SECONDS)) {
          zk.close();
          throw new IllegalStateException(server.name() + ": the ZooKeeper client did not connect; log tail:\n"
              + server.logTail());
        }
        clients.add(zk);
      }
      return clients;
    }

    @Override
    public void create(int session, String path, byte[] data, Load.Done done) {
      clients.get(session).create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.PERSISTENT,
          (AsyncCallback.StringCallback) (rc, p, ctx, name) -> done.done(rc == 0), null);
    }

    @Override
    public void setData(int session, String path, byte[] data, Load.Done done) {
      clients.get(session).setData(path, data, -1,
          (AsyncCallback.StatCallback) (rc, p, ctx, stat) -> done.done(rc == 0), null);
    }

    @Override
    public void getData(int session, String path, Load.Done done) {
      clients.get(session).getData(path, false,
          (AsyncCallback.DataCallback) (rc, p, ctx, data, stat) -> done.done(rc == 0), null);
    }

    @Override
    public void read(String path) throws Exception {
      clients.get(0).getData(path, false, null);
    }

    @Override
    public long nodeCount() throws Exception {
      return nodeCount.call();
    }

    @Override
    public void close() {
      for (ZooKeeper zk : clients) {
        try {
          zk.close(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
