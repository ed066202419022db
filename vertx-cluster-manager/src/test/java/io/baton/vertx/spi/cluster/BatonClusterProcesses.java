package io.baton.vertx.spi.cluster;

import io.baton.vertx.launcher.JvmFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A 3-node Baton cluster of child JVMs on 127.0.0.1 (the real launcher with {@code --cluster}), for the
 * tests that kill a Baton node with {@code kill -9}.
 */
public final class BatonClusterProcesses implements AutoCloseable {
  private final Path root;
  private final List<Integer> clientPorts = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  BatonClusterProcesses(Path root, int size) throws Exception {
    this.root = root;
    List<Integer> peerPorts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      clientPorts.add(freePort());
      peerPorts.add(freePort());
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    StringBuilder cfg = new StringBuilder("cluster.secret=").append(HexFormat.of().formatHex(secret)).append('\n');
    for (int i = 0; i < size; i++) {
      cfg.append("server.").append(i + 1).append("=127.0.0.1:").append(peerPorts.get(i)).append(':')
          .append(clientPorts.get(i)).append('\n');
    }
    Path file = root.resolve("cluster.cfg");
    Files.writeString(file, cfg);
    for (int id = 1; id <= size; id++) {
      processes.add(start(id, file));
    }
    for (int id = 1; id <= size; id++) {
      awaitReady(id);
    }
  }

  /** {@code host:port} of every node's bridge. */
  List<String> addresses() {
    return clientPorts.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  int clientPort(int id) {
    return clientPorts.get(id - 1);
  }

  /** SIGKILL: no shutdown hook runs. */
  void kill9(int id) throws Exception {
    Process p = processes.get(id - 1);
    new ProcessBuilder("kill", "-9", Long.toString(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    p.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(int id, Path clusterFile) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m"));
    cmd.addAll(JvmFlags.ALL);
    cmd.addAll(List.of("-cp", cp, "io.baton.vertx.launcher.Main", "--cluster", clusterFile.toString(),
        "--node-id", Integer.toString(id), "--data-dir", root.resolve("data-" + id).toString(),
        "--durability", "none", "--admin-port", "-1"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log(id).toFile()).start();
  }

  private void awaitReady(int id) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(log(id)) && Files.readString(log(id)).contains("Baton ready")) {
        return;
      }
      if (!processes.get(id - 1).isAlive()) {
        throw new IllegalStateException("Baton node " + id + " exited:\n" + Files.readString(log(id)));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Baton node " + id + " not ready in 60 s:\n" + Files.readString(log(id)));
  }

  private Path log(int id) {
    return root.resolve("node-" + id + ".log");
  }

  /** A free port on 127.0.0.1 outside the ephemeral range ({@code ServerProcess.freePort}). */
  public static int freePort() throws IOException {
    return io.baton.vertx.process.ServerProcess.freePort();
  }
}
