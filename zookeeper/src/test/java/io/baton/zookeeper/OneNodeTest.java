package io.baton.zookeeper;

import java.nio.file.Path;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A Baton node serving ZooKeeper clients and one official client connected to it, fresh for every test. */
abstract class OneNodeTest {
  @TempDir
  Path dir;
  ZkNode node;
  ZooKeeper zk;

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir);
    zk = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    if (zk != null) {
      zk.close();
    }
    node.close();
  }
}
