package io.baton.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.server.TestNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process that dies in the middle of an append leaves an unfinished excerpt; the node must still start. */
class TornTailTest {
  @TempDir
  Path dir;

  @Test
  void nodeStartsAfterACrashMidAppendWithEveryCompleteEntry() throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
    cmd.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    cmd.add("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");
    cmd.add("-Dchronicle.analytics.disable=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(TornWriter.class.getName());
    cmd.add(dir.toString());
    cmd.add("25");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("TORN");

    long start = System.nanoTime();
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat((System.nanoTime() - start) / 1_000_000).as("startup ms").isLessThan(15_000);
      assertThat(node.read(0, () -> node.coordinator.reads().getChildren(0, "/torn", false)).names()).hasSize(25);
      node.create("/after", "x");
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.data("/after")).isEqualTo("x");
      assertThat(node.read(0, () -> node.coordinator.reads().getChildren(0, "/torn", false)).names()).hasSize(25);
    }
  }
}
