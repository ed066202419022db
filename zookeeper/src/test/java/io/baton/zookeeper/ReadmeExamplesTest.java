package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "Use it as ZooKeeper" examples against a node: zkCli ({@code org.apache.zookeeper.ZooKeeperMain}
 * as a child process, as README runs it) and the Curator example ({@link CuratorExample}).
 */
class ReadmeExamplesTest {
  @TempDir
  Path dir;

  /** {@code java -cp <ZooKeeper's jars> org.apache.zookeeper.ZooKeeperMain -server <node> <command...>}. */
  private static String zkCli(String server, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "org.apache.zookeeper.ZooKeeperMain", "-server", server));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void zkCliAndCuratorWorkAsReadmeShows() throws Exception {
    try (ZkNode node = ZkNode.start(dir)) {
      String server = node.connectString();
      zkCli(server, "create", "/hello", "world");
      assertThat(zkCli(server, "get", "/hello")).contains("world");
      assertThat(zkCli(server, "ls", "/")).contains("[hello, zookeeper]");
      assertThat(CuratorExample.run(server)).isEqualTo("timeout=500");
    }
  }
}
