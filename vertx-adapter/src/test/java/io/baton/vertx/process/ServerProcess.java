package io.baton.vertx.process;

import io.baton.vertx.launcher.JvmFlags;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Baton node in a child JVM (the real launcher, {@code io.baton.vertx.launcher.Main}),
 * for crash tests: {@link #kill9()} sends SIGKILL, {@link #stop()} SIGTERM.
 */
public final class ServerProcess implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private final List<String> extraArgs;
  private final Path logFile;
  private final List<String> jvmFlags = new ArrayList<>();
  private int fdLimit;
  private Process process;
  private int starts;

  public ServerProcess(Path dataDir, int port, String... extraArgs) {
    this.dataDir = dataDir;
    this.port = port;
    this.extraArgs = new ArrayList<>(List.of(extraArgs));
    this.logFile = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
  }

  /** Ports returned by {@link #freePort()} in this JVM, never returned twice. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A free TCP port on 127.0.0.1 for a server under test, outside the ephemeral port range. */
  public static int freePort() throws IOException {
    // Outside the kernel's ephemeral range (32768-60999 by default): a port the kernel handed out for
    // bind(0) may be taken by any outgoing connection before the process under test binds it.
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(22_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new IOException("no free port between 10000 and 32000");
  }

  /** Adds launcher arguments for the next starts. */
  public ServerProcess args(String... more) {
    extraArgs.addAll(List.of(more));
    return this;
  }

  /** Adds JVM flags for the next starts (after the defaults, so e.g. {@code -Xmx256m} overrides them). */
  public ServerProcess jvmFlags(String... flags) {
    jvmFlags.addAll(List.of(flags));
    return this;
  }

  /** Starts the process with at most {@code limit} open file descriptors ({@code ulimit -n}). */
  public ServerProcess fdLimit(int limit) {
    this.fdLimit = limit;
    return this;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The running process's pid. */
  public long pid() {
    return process.pid();
  }

  /** Starts the process and waits until it logs that it is ready. */
  public ServerProcess start() throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-Dbaton.log.dir=" + dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + "-logs"));
    cmd.addAll(JvmFlags.ALL);
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add("io.baton.vertx.launcher.Main");
    cmd.add("--data-dir");
    cmd.add(dataDir.toString());
    cmd.add("--bridge-port");
    cmd.add(Integer.toString(port));
    if (!extraArgs.contains("--cluster")) {
      // any free port for ZooKeeper clients: test nodes run side by side, never on 2181 (a cluster
      // member serves one only when its cluster file's line gives it)
      cmd.add("--zk-port");
      cmd.add("0");
    }
    cmd.addAll(extraArgs);
    if (!extraArgs.contains("--admin-port")) {
      // the admin face is on by default (bridge port + 1000); tests that do not look at it leave it off
      cmd.addAll(List.of("--admin-port", "-1"));
    }
    starts++;
    Files.writeString(logFile, "=== start " + starts + " ===\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    if (fdLimit > 0) {
      cmd.addAll(0, List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "baton"));
    }
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      String log = Files.readString(logFile);
      int at = log.lastIndexOf("=== start " + starts + " ===");
      if (log.indexOf("Baton ready", at) >= 0) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited with " + process.exitValue() + ":\n" + log.substring(at));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("server not ready in 60 s:\n" + Files.readString(logFile));
  }

  /** SIGKILL, like {@code kill -9}: no shutdown hook runs. */
  public void kill9() throws Exception {
    long pid = process.pid();
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      process.destroyForcibly();
    }
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the process is frozen (no timers, no I/O) until {@link #resume()}. */
  public void pause() throws Exception {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() throws Exception {
    signal("CONT");
  }

  private void signal(String name) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " failed");
    }
  }

  /** SIGTERM and wait for a clean exit. */
  public void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public String log() throws IOException {
    return Files.exists(logFile) ? Files.readString(logFile) : "";
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

}
