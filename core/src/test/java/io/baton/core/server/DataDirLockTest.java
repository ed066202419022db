package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
  @TempDir
  Path dir;

  @Test
  void aSecondHolderIsRefusedWithTheFirstsPid() throws IOException {
    try (DataDirLock first = DataDirLock.acquire(dir)) {
      assertThat(Files.readString(dir.resolve(DataDirLock.FILE)).trim())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));
      assertThatThrownBy(() -> DataDirLock.acquire(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use by another Baton node (pid " + ProcessHandle.current().pid() + ")");
    }
    DataDirLock.acquire(dir).close();
  }

  @Test
  void aSecondCoordinatorOnTheSameDirectoryFailsAndTheFirstKeepsServing() throws Exception {
    try (TestNode node = new TestNode(CoordinatorConfig.defaults(dir))) {
      node.create("/kept", "v");
      assertThatThrownBy(() -> new TestNode(CoordinatorConfig.defaults(dir))).hasMessageContaining("in use by another Baton node");
      node.create("/after", "v");
    }
    try (TestNode reopened = new TestNode(CoordinatorConfig.defaults(dir))) {
      assertThat(reopened.exists("/kept")).isTrue();
      assertThat(reopened.exists("/after")).isTrue();
    }
  }
}
