package io.baton.vertx.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar baton-server.jar cds-training} (the build's class archive training run): an empty
 * node in a temporary directory serves one client on each face, stops, exits 0 and leaves nothing behind.
 */
class CdsTrainingTest {
  @TempDir
  Path dir;

  @Test
  void servesEveryFaceThenExitsCleanly() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.addAll(JvmFlags.ALL);
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add("io.baton.vertx.launcher.Main");
    cmd.add(CdsTraining.COMMAND);
    Path out = dir.resolve("out.log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    boolean exited = p.waitFor(90, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String log = Files.readString(out);
    assertThat(exited).as(log).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(log).contains("Baton ready").contains("served the bridge, ZooKeeper and admin faces");
    try (var left = Files.list(tmp)) {
      assertThat(left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("baton-")).toList())
          .as("its data directory, logs and the warm-up's log are deleted").isEmpty();
    }
    assertThat(dir.resolve("logs")).as("the launcher's log goes to the temporary directory").doesNotExist();
  }
}
