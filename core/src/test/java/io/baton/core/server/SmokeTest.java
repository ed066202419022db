package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir
  Path dir;

  @Test
  void writesSurviveRestartAndReplayMatches() throws Exception {
    StateDigest before;
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/a", "1");
      node.create("/a/b", "2");
      node.setData("/a", "3", 0);
      assertThat(node.data("/a")).isEqualTo("3");
      before = node.digest();
    }
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      assertThat(node.data("/a")).isEqualTo("3");
      assertThat(node.digest()).isEqualTo(before);
    }
  }
}
