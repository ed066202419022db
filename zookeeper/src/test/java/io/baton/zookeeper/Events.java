package io.baton.zookeeper;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;

/** A watcher that queues what it is told, to assert events in order. */
final class Events implements Watcher {
  private final BlockingQueue<WatchedEvent> queue = new LinkedBlockingQueue<>();

  @Override
  public void process(WatchedEvent event) {
    queue.add(event);
  }

  /** The next event other than a connection state change, within 10 s. */
  WatchedEvent next() throws InterruptedException {
    while (true) {
      WatchedEvent e = queue.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no watch event within 10 s");
      }
      if (e.getType() != Event.EventType.None) {
        return e;
      }
    }
  }

  /** The next connection state change, within {@code seconds}. */
  Event.KeeperState nextState(int seconds) throws InterruptedException {
    while (true) {
      WatchedEvent e = queue.poll(seconds, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no state change within " + seconds + " s");
      }
      if (e.getType() == Event.EventType.None) {
        return e.getState();
      }
    }
  }

  /** Fails if a node event arrives within {@code millis}. */
  void none(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    long left;
    while ((left = deadline - System.currentTimeMillis()) > 0) {
      WatchedEvent e = queue.poll(left, TimeUnit.MILLISECONDS);
      if (e != null && e.getType() != Event.EventType.None) {
        throw new AssertionError("unexpected event " + e);
      }
    }
  }

  static String describe(WatchedEvent e) {
    return e.getType() + " " + e.getPath();
  }
}
