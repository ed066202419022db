package io.baton.zookeeper.impl;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A connection's replies in the order of its requests: ZooKeeper's client drops the connection on a
 * reply out of order. Each request takes a slot when it arrives; a reply is written once every
 * earlier slot has been. Owner thread only.
 */
final class ReplyQueue {
  /** One request's place in the order; {@code packet} once answered. */
  static final class Slot {
    final int xid;
    Buffer packet;
    Runnable after;

    private Slot(int xid) {
      this.xid = xid;
    }
  }

  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private final Consumer<Buffer> out;

  ReplyQueue(Consumer<Buffer> out) {
    this.out = out;
  }

  /** The next slot, for a request with {@code xid}. */
  Slot reserve(int xid) {
    Slot slot = new Slot(xid);
    slots.addLast(slot);
    return slot;
  }

  /**
   * Answers {@code slot} with {@code packet} (a slot already answered keeps its first answer), then
   * runs {@code after} (may be null) once it is written.
   */
  void fill(Slot slot, Buffer packet, Runnable after) {
    if (slot.packet != null) {
      return;
    }
    slot.packet = packet;
    slot.after = after;
    while (!slots.isEmpty() && slots.peekFirst().packet != null) {
      Slot head = slots.pollFirst();
      out.accept(head.packet);
      if (head.after != null) {
        head.after.run();
      }
    }
  }

  /** Requests taken and not yet written. */
  int size() {
    return slots.size();
  }
}
