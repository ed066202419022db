package io.baton.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** README's "Use it as ZooKeeper" Curator example, kept here so that it compiles and runs (ReadmeExamplesTest). */
final class CuratorExample {
  private CuratorExample() {
  }

  /** Connects Curator to a Baton node's ZooKeeper port, writes a config node and takes a lock; returns the config. */
  static String run(String connectString) throws Exception {
    // README example begins
    try (CuratorFramework curator = CuratorFrameworkFactory.newClient(connectString,
        new ExponentialBackoffRetry(100, 5))) {
      curator.start();
      curator.create().orSetData().creatingParentsIfNeeded()
          .forPath("/app/config", "timeout=500".getBytes(StandardCharsets.UTF_8));
      InterProcessMutex lock = new InterProcessMutex(curator, "/app/locks/ledger");
      if (lock.acquire(5, TimeUnit.SECONDS)) {
        try {
          return new String(curator.getData().forPath("/app/config"), StandardCharsets.UTF_8);
        } finally {
          lock.release();
        }
      }
    }
    // README example ends
    throw new IllegalStateException("the lock was not acquired");
  }
}
