package io.baton.core.server;

import static io.baton.core.server.TestNode.errorOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots asked for by clients are rate-limited ({@code snapshotMinIntervalMs}) and can be switched off ({@code adminOps}). */
class AdminOpsTest {
  @TempDir
  Path dir;

  private static CoordinatorConfig config(Path dir, long intervalMs, int adminOps) {
    CoordinatorConfig c = TestNode.config(dir);
    return c.withLimits(c.limits().with(Map.of("snapshotMinIntervalMs", intervalMs, "adminOps", (long) adminOps)));
  }

  @Test
  void aSecondClientSnapshotWithinTheIntervalIsThrottled() throws Exception {
    try (TestNode node = new TestNode(config(dir, 60_000, 1))) {
      node.create("/a", "");
      long first = node.<Long>await(c -> node.coordinator.requestSnapshot(c));
      assertThat(first).isEqualTo(node.lastApplied());
      node.create("/b", "");
      assertThat(errorOf(() -> node.<Long>await(c -> node.coordinator.requestSnapshot(c))))
          .isEqualTo(ErrorCode.THROTTLED);
      // snapshots the node takes itself are not limited
      assertThat(node.<Long>await(c -> node.coordinator.snapshot(c))).isEqualTo(node.lastApplied());
    }
  }

  @Test
  void clientSnapshotsAfterTheIntervalAreTaken() throws Exception {
    try (TestNode node = new TestNode(config(dir, 200, 1))) {
      node.<Long>await(c -> node.coordinator.requestSnapshot(c));
      Thread.sleep(250);
      node.create("/a", "");
      assertThat(node.<Long>await(c -> node.coordinator.requestSnapshot(c))).isEqualTo(node.lastApplied());
    }
  }

  @Test
  void adminOpsOffRefusesClientSnapshotsOnly() throws Exception {
    try (TestNode node = new TestNode(config(dir, 0, 0))) {
      node.create("/a", "");
      assertThat(errorOf(() -> node.<Long>await(c -> node.coordinator.requestSnapshot(c))))
          .isEqualTo(ErrorCode.NO_AUTH);
      assertThat(node.<Long>await(c -> node.coordinator.snapshot(c))).isEqualTo(node.lastApplied());
    }
  }
}
