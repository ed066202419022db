package io.baton.vertx.spi.cluster.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The top-level README's "Run a Vert.x cluster on Baton" example, run as written on the jars {@code mvn package}
 * built (an integration test: it runs after the package phase): its three {@code java} commands, each a real
 * process — the Baton node, {@code pong}, {@code ping} — and {@code ping} must print {@code pong}'s answer.
 * The only changes to the commands: paths resolved against the repository root, a free bridge port (and no
 * ZooKeeper or admin port, a data directory of the test's) so it cannot meet another node on this machine, and
 * that port passed to the two examples.
 */
class ReadmeExampleIT {
  @TempDir
  Path dir;

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void twoVertxProcessesExchangeAMessageThroughAClusterManagedByBaton() throws Exception {
    List<List<String>> commands = readmeCommands();
    assertThat(commands).hasSize(3);
    assertThat(commands.get(0)).containsExactly("java", "-jar", "vertx-adapter/target/baton-server.jar");
    assertThat(commands.get(1)).last().isEqualTo("pong");
    assertThat(commands.get(2)).last().isEqualTo("ping");

    int port = io.baton.vertx.spi.cluster.BatonClusterProcesses.freePort();
    List<Process> processes = new ArrayList<>();
    try {
      Process baton = start(commands.get(0), List.of("--bridge-port", Integer.toString(port), "--zk-port", "-1",
          "--admin-port", "-1", "--data-dir", dir.resolve("data").toString()), "baton.log");
      processes.add(baton);
      awaitOutput(baton, "baton.log", "Baton ready");
      String server = "127.0.0.1:" + port;
      Process pong = start(commands.get(1), List.of(server), "pong.log");
      processes.add(pong);
      awaitOutput(pong, "pong.log", "pong: node ");
      Process ping = start(commands.get(2), List.of(server), "ping.log");
      processes.add(ping);
      assertThat(ping.waitFor(120, TimeUnit.SECONDS)).as(output("ping.log")).isTrue();
      String pingOut = output("ping.log");
      assertThat(ping.exitValue()).as(pingOut).isZero();
      String pongNode = output("pong.log").replaceAll("(?s).*pong: node (\\S+) answers.*", "$1");
      assertThat(pingOut).containsPattern("ping: got 'pong from " + Pattern.quote(pongNode) + " to ping from \\S+'");
    } finally {
      for (Process p : processes) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The {@code java} lines of the section's bash block, split on spaces. */
  private static List<List<String>> readmeCommands() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int start = readme.indexOf("## Run a Vert.x cluster on Baton");
    String section = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Matcher m = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(section);
    assertThat(m.find()).as("a bash block in README's Vert.x cluster section").isTrue();
    return m.group(1).lines().filter(l -> l.startsWith("java "))
        .map(l -> Arrays.asList(l.trim().split("\\s+"))).collect(Collectors.toList());
  }

  private Process start(List<String> command, List<String> extraArgs, String log) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (int i = 1; i < command.size(); i++) {
      String a = command.get(i);
      String previous = command.get(i - 1);
      if (previous.equals("-jar") || previous.equals("-cp")) {
        List<String> paths = new ArrayList<>();
        for (String p : a.split(File.pathSeparator)) {
          Path jar = ROOT.resolve(p);
          assertThat(jar).as("built by mvn package").isRegularFile();
          paths.add(jar.toString());
        }
        a = String.join(File.pathSeparator, paths);
      }
      cmd.add(a);
    }
    cmd.addAll(extraArgs);
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(log).toFile()).start();
  }

  private void awaitOutput(Process p, String log, String text) throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> output(log).contains(text) || !p.isAlive());
    assertThat(output(log)).contains(text);
  }

  private String output(String log) throws Exception {
    Path f = dir.resolve(log);
    return Files.exists(f) ? Files.readString(f) : "";
  }
}
