package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.server.Durability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many requests in flight on one connection, with at most 4 served at a time (the connection is not
 * read past that): every reply comes back in request order (the client would drop the connection
 * otherwise) and each read sees the writes sent before it.
 */
class ZkPipelineTest {
  @TempDir
  Path dir;
  ZkNode node;
  ZooKeeper zk;

  @BeforeEach
  void start() throws Exception {
    // group commit: writes wait for fsyncs, so syncs and reads queue behind them
    node = ZkNode.start(dir, c -> c.withDurability(Durability.GROUP)
        .withLimits(c.limits().with("maxInflightPerConnection", 4)));
    zk = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    zk.close();
    node.close();
  }

  @Test
  void pipelinedWritesReadsAndSyncsAreAnsweredInOrder() throws Exception {
    int n = 300;
    List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(n * 4);
    zk.create("/p", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    for (int i = 0; i < n; i++) {
      String path = "/p/n" + i;
      byte[] value = ("v" + i).getBytes();
      int k = i;
      zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, (rc, p, ctx, name) -> {
        outcomes.add(k + " create " + rc);
        done.countDown();
      }, null);
      zk.setData(path, value, 0, (rc, p, ctx, stat) -> {
        outcomes.add(k + " set " + rc);
        done.countDown();
      }, null);
      zk.sync(path, (rc, p, ctx) -> {
        outcomes.add(k + " sync " + rc);
        done.countDown();
      }, null);
      zk.getData(path, false, (rc, p, ctx, data, stat) -> {
        outcomes.add(k + " get " + rc + " " + (data == null ? null : new String(data)));
        done.countDown();
      }, null);
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.addAll(List.of(i + " create 0", i + " set 0", i + " sync 0", i + " get 0 v" + i));
    }
    assertThat(outcomes).containsExactlyElementsOf(expected);
  }
}
