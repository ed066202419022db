package io.baton.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.BatonException;
import io.baton.core.error.Codes;
import io.baton.core.error.ErrorCode;
import io.baton.core.quota.QuotaIndex;
import io.baton.core.quota.Quotas;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ZooKeeper 3.7's enforced quotas: hard limits on nodes and bytes per subtree, QuotaExceeded (-125). */
class QuotaTest {
  @TempDir
  Path dir;

  private static void setQuota(TestNode node, String path, String limits) {
    String limitsPath = Quotas.limitsPath(path);
    try {
      node.submit(0, new Op.Create(limitsPath, bytes(limits), CreateMode.PERSISTENT, 0, true));
    } catch (BatonException e) {
      if (e.code() != ErrorCode.NODE_EXISTS) {
        throw e;
      }
      node.setData(limitsPath, limits, -1);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static QuotaIndex.Quota quota(TestNode node, String path) {
    return node.call(() -> node.coordinator.quotas().get(path));
  }

  @Test
  void aCountLimitCountsTheQuotaNodeAndEveryDescendant() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/app", "");
      node.create("/app/a", "");
      setQuota(node, "/app", "count=-1,bytes=-1,countHardLimit=4,byteHardLimit=-1");
      assertThat(quota(node, "/app").count()).isEqualTo(2);
      node.create("/app/a/b", "");
      node.create("/app/c", "");
      assertThat(Codes.of(() -> node.create("/app/d", ""))).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      assertThat(Codes.of(() -> node.submit(0, new Op.Create("/app/x/y", new byte[0], CreateMode.PERSISTENT, 0,
          true)))).as("created parents count too").isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      assertThat(node.stat("/app/x")).isNull();
      node.create("/elsewhere", ""); // outside the quota
      node.delete("/app/c", -1);
      node.create("/app/d", ""); // room again
      assertThat(quota(node, "/app").count()).isEqualTo(4);
    }
  }

  @Test
  void aByteLimitRefusesGrowthButNotShrinking() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/cfg", "");
      setQuota(node, "/cfg", "byteHardLimit=10");
      node.create("/cfg/a", "12345");
      node.setData("/cfg/a", "1234567890", -1);
      BatonException e = failure(() -> node.setData("/cfg/a", "12345678901", -1));
      assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      assertThat(e.getMessage()).contains("/cfg", "bytes would be 11", "10");
      node.setData("/cfg/a", "1", -1);
      assertThat(Codes.of(() -> node.create("/cfg/b", "1234567890"))).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      node.create("/cfg/b", "123456789");
      assertThat(quota(node, "/cfg").bytes()).isEqualTo(10);
    }
  }

  @Test
  void softLimitsAreRecordedButNotEnforcedAndNestedQuotasAllHold() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      setQuota(node, "/a", "count=1,bytes=1");
      node.create("/a", "");
      node.create("/a/b", "many bytes");
      setQuota(node, "/a/b", "countHardLimit=2");
      setQuota(node, "/a", "countHardLimit=4");
      node.create("/a/b/c", "");
      assertThat(Codes.of(() -> node.create("/a/b/d", ""))).as("the inner quota").isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      node.create("/a/e", "");
      assertThat(Codes.of(() -> node.create("/a/f", ""))).as("the outer quota").isEqualTo(ErrorCode.QUOTA_EXCEEDED);
      node.delete(Quotas.limitsPath("/a"), -1);
      node.create("/a/f", ""); // that quota is gone
      assertThat(quota(node, "/a")).isNull();
    }
  }

  @Test
  void writesInFlightCannotOvershootAQuota() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      node.create("/q", "");
      setQuota(node, "/q", "countHardLimit=51");
      List<CompletableFuture<Object>> results = new ArrayList<>();
      node.call(() -> {
        for (int i = 0; i < 200; i++) {
          CompletableFuture<Object> f = new CompletableFuture<>();
          results.add(f);
          node.coordinator.submit(0, new Op.Create("/q/n" + i, new byte[0], CreateMode.PERSISTENT, 0, false),
              (r, e) -> f.complete(e == null ? r : e));
        }
        return null;
      });
      int ok = 0;
      for (CompletableFuture<Object> f : results) {
        Object r = f.get(30, TimeUnit.SECONDS);
        if (r instanceof BatonException e) {
          assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
        } else {
          ok++;
        }
      }
      assertThat(ok).isEqualTo(50);
      assertThat(quota(node, "/q").count()).isEqualTo(51);
    }
  }

  @Test
  void limitsMustBeZooKeepersFormat() throws Exception {
    try (TestNode node = new TestNode(TestNode.config(dir))) {
      for (String bad : List.of("countHardLimit", "countHardLimit=ten", "nodes=3", "count=-2", "bytes=1=2")) {
        assertThat(Codes.of(() -> setQuota(node, "/x", bad))).as(bad).isEqualTo(ErrorCode.BAD_ARGUMENTS);
      }
      setQuota(node, "/x", "count=3;bytes=");
      assertThat(quota(node, "/x").limits().count()).isEqualTo(3);
      assertThat(Codes.of(() -> node.setData(Quotas.limitsPath("/x"), "countHardLimit=x", -1)))
          .isEqualTo(ErrorCode.BAD_ARGUMENTS);
      assertThat(Codes.of(() -> node.submit(0, new Command.Multi(List.of(
          new Op.Create("/y", new byte[0], CreateMode.PERSISTENT, 0, false),
          new Op.Create(Quotas.limitsPath("/y"), bytes("nonsense"), CreateMode.PERSISTENT, 0, true))))))
          .isEqualTo(ErrorCode.BAD_ARGUMENTS);
    }
  }

  @Test
  void quotasAndUsageSurviveASnapshotAndReplay() throws Exception {
    CoordinatorConfig config = TestNode.config(dir);
    try (TestNode node = new TestNode(config)) {
      node.create("/s", "abc");
      setQuota(node, "/s", "countHardLimit=3,byteHardLimit=100");
      node.create("/s/a", "de");
      node.<Long>await(c -> node.coordinator.snapshot(c));
      node.create("/s/b", "f");
    }
    try (TestNode node = new TestNode(config)) {
      QuotaIndex.Quota q = quota(node, "/s");
      assertThat(q.count()).isEqualTo(3);
      assertThat(q.bytes()).isEqualTo(6);
      assertThat(q.stats()).isEqualTo("count=3,bytes=6");
      assertThat(Codes.of(() -> node.create("/s/c", ""))).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    }
  }

  private static BatonException failure(Runnable r) {
    try {
      r.run();
    } catch (BatonException e) {
      return e;
    }
    throw new AssertionError("should have failed");
  }
}
