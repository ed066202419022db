package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read whose reply would pass maxReplyBytes is refused with TooLarge before the reply is built. */
class ReplyLimitTest {
  @TempDir
  Path dir;

  @Test
  void readsPastMaxReplyBytesAreTooLarge() throws Exception {
    CoordinatorConfig config = TestNode.config(dir).withDurability(Durability.NONE);
    config = config.withLimits(config.limits().with(Map.of("maxReplyBytes", 65_536L)));
    try (TestNode node = new TestNode(config)) {
      long s = node.openSession(30_000);
      node.create("/p", "");
      node.create("/small", "");
      String name = "c".repeat(100);
      for (int m = 0; m < 10; m++) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          ops.add(new Op.Create("/p/" + name + m + "-" + i, null, CreateMode.EPHEMERAL, 0, false));
        }
        node.submit(s, new Command.Multi(ops));
      }
      BatonException e = catchThrowableOfType(
          () -> node.read(s, () -> node.coordinator.reads().getChildren(s, "/p", true)), BatonException.class);
      assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(e.getMessage()).contains("1000 children", "maxReplyBytes");
      assertThat(node.call(() -> node.coordinator.reads().watchCount())).as("no watch left by a refused read").isZero();
      assertThat(TestNode.errorOf(() -> node.read(s, () -> node.coordinator.reads().getEphemerals(s, "/"))))
          .isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(node.read(s, () -> node.coordinator.reads().getEphemerals(s, "/p/" + name + "0-1")))
          .as("a string prefix, as in ZooKeeper: 0-1 and 0-10..0-19").hasSize(11);

      node.setData("/small", "x".repeat(50_000), -1); // 66,668 bytes in base64
      assertThat(TestNode.errorOf(() -> node.data("/small"))).isEqualTo(ErrorCode.TOO_LARGE);
      node.setData("/small", "x".repeat(40_000), -1);
      assertThat(node.data("/small")).hasSize(40_000);
      assertThat(node.children("/")).contains("p", "small");
    }
  }
}
