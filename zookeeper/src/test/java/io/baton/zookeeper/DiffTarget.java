package io.baton.zookeeper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * One server of a differential test, seen through the official client: a fixed number of session
 * slots (a closed session's slot gets a new session), every watch event each slot received, and a
 * rendering of replies in which what legitimately differs between servers is named by relation:
 * zxids by their order of first appearance (and their relative order is checked at the end), session
 * ids by slot and generation, times by whether a node was modified since its creation.
 */
final class DiffTarget implements AutoCloseable {
  /** The digest identity the last slot authenticates as. */
  static final String ALICE = "alice:secret";

  private final String name;
  private final String connectString;
  private final ZooKeeper[] sessions;
  private final int[] generations;
  private final List<List<String>> events = new ArrayList<>();
  private final List<ConcurrentLinkedQueue<WatchedEvent>> pending = new ArrayList<>();
  private final Map<Long, Integer> zxids = new HashMap<>();
  private final List<Long> zxidsInOrder = new ArrayList<>();
  private final Map<Long, String> sessionNames = new HashMap<>();

  DiffTarget(String name, String connectString, int slots) throws Exception {
    this.name = name;
    this.connectString = connectString;
    this.sessions = new ZooKeeper[slots];
    this.generations = new int[slots];
    for (int i = 0; i < slots; i++) {
      events.add(new ArrayList<>());
      pending.add(new ConcurrentLinkedQueue<>());
      open(i);
    }
  }

  String name() {
    return name;
  }

  ZooKeeper session(int slot) {
    return sessions[slot];
  }

  /** Closes the slot's session (its ephemerals go) and opens a new one in its place. */
  void reopen(int slot) throws Exception {
    sessions[slot].close();
    open(slot);
  }

  private void open(int slot) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ConcurrentLinkedQueue<WatchedEvent> queue = pending.get(slot);
    ZooKeeper zk = new ZooKeeper(connectString, 20_000, e -> {
      if (e.getType() == Watcher.Event.EventType.None) {
        if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
          connected.countDown();
        }
      } else {
        queue.add(e);
      }
    });
    if (!connected.await(15, TimeUnit.SECONDS)) {
      throw new AssertionError(name + ": session " + slot + " did not connect");
    }
    if (slot == sessions.length - 1) {
      zk.addAuthInfo("digest", ALICE.getBytes(StandardCharsets.UTF_8));
    }
    sessions[slot] = zk;
    generations[slot]++;
    sessionNames.put(zk.getSessionId(), "s" + slot + "#" + generations[slot]);
  }

  /**
   * Waits until every slot's client delivered the events sent to it so far (an asynchronous call's
   * callback runs after them, on the same event thread), then files them in arrival order.
   */
  void drainEvents() throws Exception {
    for (int slot = 0; slot < sessions.length; slot++) {
      CountDownLatch answered = new CountDownLatch(1);
      sessions[slot].exists("/", false, (rc, path, ctx, stat) -> answered.countDown(), null);
      if (!answered.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError(name + ": session " + slot + " did not answer");
      }
      WatchedEvent e;
      while ((e = pending.get(slot).poll()) != null) {
        events.get(slot).add(e.getType() + " " + e.getPath() + " " + zxid(e.getZxid()));
      }
    }
  }

  /** The events slot {@code slot} received, rendered. */
  List<String> events(int slot) {
    return events.get(slot);
  }

  /** A zxid by its order of first appearance ({@code z0}, {@code z1}, ...); -1 stays -1. */
  String zxid(long zxid) {
    if (zxid == -1) {
      return "-1";
    }
    Integer id = zxids.get(zxid);
    if (id == null) {
      id = zxids.size();
      zxids.put(zxid, id);
      zxidsInOrder.add(zxid);
    }
    return "z" + id;
  }

  /** The canonical zxids sorted by their real value: the same list on two servers means the same order. */
  List<Integer> zxidOrder() {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < zxidsInOrder.size(); i++) {
      ids.add(i);
    }
    ids.sort((a, b) -> Long.compare(zxidsInOrder.get(a), zxidsInOrder.get(b)));
    return ids;
  }

  /** A stat with zxids, times and owners named by relation. */
  String stat(Stat s) {
    if (s == null) {
      return "null";
    }
    return "c=" + zxid(s.getCzxid()) + " m=" + zxid(s.getMzxid()) + " p=" + zxid(s.getPzxid())
        + " t=" + (s.getCtime() == s.getMtime() ? "same" : s.getMtime() > s.getCtime() ? "later" : "EARLIER")
        + " v=" + s.getVersion() + " cv=" + s.getCversion() + " av=" + s.getAversion()
        + " eo=" + owner(s.getEphemeralOwner()) + " dl=" + s.getDataLength() + " nc=" + s.getNumChildren();
  }

  private String owner(long owner) {
    if (owner == 0) {
      return "0";
    }
    String session = sessionNames.get(owner);
    return session != null ? session : "0x" + Long.toHexString(owner);
  }

  @Override
  public void close() throws Exception {
    for (ZooKeeper zk : sessions) {
      if (zk != null) {
        zk.close();
      }
    }
  }
}
