package io.baton.vertx.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.launcher.JvmFlags;
import io.baton.vertx.process.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Baton process and several worker processes ({@link LockWorker}) that share a mutex through
 * the TCP bridge: their critical sections never overlap, fencing tokens increase, and a worker killed
 * with SIGKILL while holding the lock loses it when its session expires.
 */
class BridgeProcessRecipeTest {
  private static final int SESSION_TIMEOUT_MS = 2_000;

  @TempDir
  Path tmp;
  private final List<Process> workers = new ArrayList<>();

  @AfterEach
  void killWorkers() throws Exception {
    for (Process p : workers) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private Process worker(int port, String name, String mode, int iterations, Path file) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(JvmFlags.ALL);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(LockWorker.class.getName());
    cmd.add(Integer.toString(port));
    cmd.add("shared");
    cmd.add(name);
    cmd.add(mode);
    cmd.add(Integer.toString(iterations));
    cmd.add(file.toString());
    cmd.add(Integer.toString(SESSION_TIMEOUT_MS));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    workers.add(p);
    return p;
  }

  private static List<String[]> lines(Path file) throws Exception {
    List<String[]> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String l : Files.readAllLines(file)) {
      if (!l.isBlank()) {
        out.add(l.split(" "));
      }
    }
    return out;
  }

  private static long waitForLine(Path file, Predicate<String[]> match, long timeoutMs, Process... alive)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      for (String[] l : lines(file)) {
        if (match.test(l)) {
          return System.nanoTime();
        }
      }
      for (Process p : alive) {
        assertThat(p.isAlive()).as("worker exited with %s", p.isAlive() ? "" : p.exitValue()).isTrue();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no matching line within " + timeoutMs + " ms in:\n" + Files.readString(file));
  }

  private String logs() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.list(tmp)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".log")).toList()) {
        sb.append("--- ").append(p.getFileName()).append('\n').append(Files.readString(p)).append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void workerProcessesShareAMutexThroughTheBridge() throws Exception {
    Path config = tmp.resolve("baton.json");
    Files.writeString(config, "{\"minSessionTimeoutMs\": " + SESSION_TIMEOUT_MS + ", \"tickMs\": 50}");
    int port = ServerProcess.freePort();
    try (ServerProcess server = new ServerProcess(tmp.resolve("data"), port, "--durability", "none",
        "--config", config.toString()).start()) {
      Path file = tmp.resolve("critical.txt");
      int iterations = 15;
      Process w1 = worker(port, "w1", "loop", iterations, file);
      Process w2 = worker(port, "w2", "loop", iterations, file);
      assertThat(w1.waitFor(60, TimeUnit.SECONDS)).as(logs()).isTrue();
      assertThat(w2.waitFor(60, TimeUnit.SECONDS)).as(logs()).isTrue();
      assertThat(w1.exitValue()).as(logs()).isZero();
      assertThat(w2.exitValue()).as(logs()).isZero();

      List<String[]> sections = lines(file).stream().filter(l -> !l[1].equals("-")).toList();
      assertThat(sections).hasSize(4 * iterations);
      long lastToken = 0;
      int perWorker1 = 0;
      for (int i = 0; i < sections.size(); i += 2) {
        String[] enter = sections.get(i);
        String[] exit = sections.get(i + 1);
        assertThat(enter[2]).as("line %d: %s", i, String.join(" ", enter)).isEqualTo("enter");
        assertThat(exit[2]).as("line %d: %s", i + 1, String.join(" ", exit)).isEqualTo("exit");
        assertThat(exit[0]).as("exit of line %d by the worker that entered", i + 1).isEqualTo(enter[0]);
        assertThat(exit[1]).isEqualTo(enter[1]);
        long token = Long.parseLong(enter[1]);
        assertThat(token).as("token of line %d", i).isGreaterThan(lastToken);
        lastToken = token;
        perWorker1 += enter[0].equals("w1") ? 1 : 0;
      }
      assertThat(perWorker1).isEqualTo(iterations);

      // a holder killed with SIGKILL: its session expires and the waiting worker gets the lock
      Path file2 = tmp.resolve("kill.txt");
      Process holder = worker(port, "holder", "hold", 1, file2);
      waitForLine(file2, l -> l[0].equals("holder") && l[2].equals("held"), 30_000, holder);
      long heldToken = Long.parseLong(lines(file2).get(0)[1]);
      assertThat(heldToken).isGreaterThan(lastToken);
      Process waiter = worker(port, "waiter", "loop", 1, file2);
      waitForLine(file2, l -> l[0].equals("waiter") && l[2].equals("waiting"), 30_000, waiter);
      Thread.sleep(300);
      assertThat(lines(file2)).noneMatch(l -> l[2].equals("enter")); // still held by the live holder

      long t0 = System.nanoTime();
      holder.destroyForcibly(); // SIGKILL: no close, no goodbye; only session expiry frees the lock
      long granted = waitForLine(file2, l -> l[0].equals("waiter") && l[2].equals("enter"), 10_000);
      long ms = TimeUnit.NANOSECONDS.toMillis(granted - t0);
      assertThat(ms).as("waiter entered %d ms after the kill", ms).isLessThan(SESSION_TIMEOUT_MS + 2_000L);
      String[] enter = lines(file2).stream().filter(l -> l[2].equals("enter")).findFirst().orElseThrow();
      assertThat(Long.parseLong(enter[1])).isGreaterThan(heldToken);
      assertThat(waiter.waitFor(30, TimeUnit.SECONDS)).as(logs()).isTrue();
      assertThat(waiter.exitValue()).as(logs()).isZero();
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
