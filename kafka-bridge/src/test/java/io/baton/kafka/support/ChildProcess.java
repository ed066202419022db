package io.baton.kafka.support;

import io.baton.vertx.launcher.JvmFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM child process started from the test classpath (the approach of the adapter's
 * ServerProcess): a standalone Baton node ({@code io.baton.vertx.launcher.Main}) or a Kafka bridge
 * ({@code io.baton.kafka.BridgeMain}). {@link #kill9()} is SIGKILL: no shutdown hook runs.
 */
public final class ChildProcess implements AutoCloseable {
  private final String main;
  private final List<String> args;
  private final Path logFile;
  private final String readyLine;
  private Process process;
  private int starts;

  public ChildProcess(String main, List<String> args, Path logFile, String readyLine) {
    this.main = main;
    this.args = List.copyOf(args);
    this.logFile = logFile;
    this.readyLine = readyLine;
  }

  /** A Baton node with its TCP bridge on {@code port}. */
  public static ChildProcess baton(Path dataDir, int port, String... extra) {
    List<String> a = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--bridge-port", Integer.toString(port),
        "--zk-port", "0"));
    a.addAll(List.of(extra));
    return new ChildProcess("io.baton.vertx.launcher.Main", a,
        dataDir.resolveSibling(dataDir.getFileName() + "-server.log"), "Baton ready");
  }

  /**
   * A Kafka bridge process with a JSON config file and {@code extra} flags; without any, its admin
   * port is off ({@code --admin-port -1}) so bridges side by side never contend for the default one.
   */
  public static ChildProcess bridge(Path configFile, String... extra) {
    List<String> a = new ArrayList<>(List.of("--config", configFile.toString()));
    a.addAll(extra.length == 0 ? List.of("--admin-port", "-1") : List.of(extra));
    return new ChildProcess("io.baton.kafka.BridgeMain", a,
        configFile.resolveSibling(configFile.getFileName() + ".log"), "Kafka bridge ready");
  }

  public ChildProcess start() throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-Dbaton.log.dir=" + logFile.toAbsolutePath().resolveSibling(logFile.getFileName() + ".d"));
    cmd.addAll(JvmFlags.ALL);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(main);
    cmd.addAll(args);
    starts++;
    Files.writeString(logFile, "=== start " + starts + " ===\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      String log = Files.readString(logFile);
      int at = log.lastIndexOf("=== start " + starts + " ===");
      if (log.indexOf(readyLine, at) >= 0) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(main + " exited with " + process.exitValue() + ":\n" + log.substring(at));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(main + " not ready in 60 s:\n" + Files.readString(logFile));
  }

  public Process process() {
    return process;
  }

  public void kill9() throws Exception {
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      process.destroyForcibly();
    }
    process.waitFor(30, TimeUnit.SECONDS);
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
