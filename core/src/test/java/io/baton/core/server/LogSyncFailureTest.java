package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A log fsync that fails (an EIO, or EMFILE at the descriptor limit, injected at the cycle-file sync)
 * leaves the write unacknowledged, is retried on a timer without waiting for another write, and shows
 * as {@code syncFailures} until a sync succeeds.
 */
class LogSyncFailureTest {
  @TempDir
  Path dir;

  private static CompletableFuture<List<OpResult>> submit(TestNode node, String path) {
    CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
    node.owner.execute(() -> node.coordinator.submit(0,
        new Op.Create(path, new byte[0], CreateMode.PERSISTENT, 0, false), (r, e) -> {
          if (e != null) {
            f.completeExceptionally(e);
          } else {
            f.complete(r);
          }
        }));
    return f;
  }

  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"GROUP", "ALWAYS"})
  void aFailedSyncIsRetriedWithoutAnotherWrite(Durability durability) throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir).withDurability(durability))) {
      node.create("/before", "");
      node.coordinator.log().cycleFiles().failNextSyncs(Integer.MAX_VALUE);
      CompletableFuture<List<OpResult>> write = submit(node, "/during");

      node.awaitTrue(() -> node.coordinator.syncFailures() >= 3);
      assertThat(write).as("not acknowledged while syncs fail").isNotDone();
      assertThat(node.call(node.coordinator::lastApplied)).isLessThan(node.call(() -> node.coordinator.log().lastZxid()));

      // the disk recovers; no other write comes, the retry alone acknowledges the pending one
      node.coordinator.log().cycleFiles().failNextSyncs(0);
      assertThat(write.get(5, TimeUnit.SECONDS)).hasSize(1);
      assertThat(node.call(node.coordinator::syncFailures)).isZero();
      assertThat(node.exists("/during")).isTrue();
    }
  }

  @Test
  void aSingleFailureIsRetriedPromptly() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.coordinator.log().cycleFiles().failNextSyncs(1);
      long start = System.nanoTime();
      assertThat(submit(node, "/x").get(5, TimeUnit.SECONDS)).hasSize(1);
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms until acknowledged").isLessThan(2_000);
    }
  }
}
