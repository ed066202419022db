package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kazoo, the Python ZooKeeper client (Debian's python3-kazoo), against a Baton node: a Python scenario
 * (src/test/resources/kazoo/scenario.py) of operations, ephemerals, watches, a transaction, kazoo's
 * Lock and Counter recipes, digest ACLs and the four-letter words kazoo sends. Without python3-kazoo the
 * test fails, unless {@code -Dbaton.kazoo.optional=true} lets it skip; {@code -Dbaton.kazoo.python}
 * names the interpreter (default: Debian's /usr/bin/python3 when present).
 */
class KazooTest {
  @TempDir
  Path dir;

  private static String python() {
    String configured = System.getProperty("baton.kazoo.python");
    if (configured != null) {
      return configured;
    }
    return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
  }

  private static boolean kazooInstalled(String python) {
    try {
      Process p = new ProcessBuilder(python, "-c", "import kazoo.client").redirectErrorStream(true).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  @Test
  void kazooWorksAgainstTheZooKeeperPort() throws Exception {
    String python = python();
    if (!kazooInstalled(python)) {
      assumeTrue(!Boolean.getBoolean("baton.kazoo.optional"), "python3-kazoo is absent (baton.kazoo.optional)");
      throw new AssertionError(python + " cannot import kazoo: install python3-kazoo (apt-get install python3-kazoo)"
          + " or run with -Dbaton.kazoo.optional=true to skip");
    }
    Path script = dir.resolve("scenario.py");
    try (var in = KazooTest.class.getResourceAsStream("/kazoo/scenario.py")) {
      Files.copy(in, script);
    }
    ZooKeeperPortOptions options = new ZooKeeperPortOptions(ZooKeeperPortOptions.whitelist("srvr,ruok,envi"),
        () -> "standalone", Map.of());
    try (ZkNode node = ZkNode.start(dir.resolve("data"), c -> c, options)) {
      Process p = new ProcessBuilder(List.of(python, script.toString(), node.connectString()))
          .redirectErrorStream(true).start();
      boolean ended = p.waitFor(90, TimeUnit.SECONDS);
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!ended) {
        p.destroyForcibly();
      }
      assertThat(ended).as("the scenario ended:\n" + output).isTrue();
      assertThat(p.exitValue()).as(output).isZero();
      assertThat(output).contains("ok create get set children", "ok watches", "ok transaction", "ok lock counter",
          "ok digest acl", "ok four-letter words", "ALL OK");
    }
  }
}
