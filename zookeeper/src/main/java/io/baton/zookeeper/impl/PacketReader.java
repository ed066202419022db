package io.baton.zookeeper.impl;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a connection's bytes into ZooKeeper packets: a 4-byte big-endian length and that many
 * bytes. A length below 0 or above the bound is refused from the header alone, before any of the
 * packet is buffered; after a refusal, or {@link #stop()}, nothing more is read. While paused it keeps
 * what it holds and hands out nothing.
 */
final class PacketReader {
  /** Where packets and refusals go. */
  interface Packets {
    void packet(Buffer payload);

    /** The header announced {@code length}, outside 0..{@code max}; nothing more is read. */
    void refused(int length, int max);

    /**
     * The connection's first four bytes, {@code header}: true if they were a four-letter word, answered
     * (then nothing more is read).
     */
    boolean first(int header);
  }

  private final int max;
  private final Packets out;
  private Buffer held = Buffer.buffer(0);
  private int at;
  private int expected = -1;
  private boolean paused;
  private boolean stopped;
  private long packets;

  PacketReader(int max, Packets out) {
    this.max = max;
    this.out = out;
  }

  void handle(Buffer bytes) {
    if (stopped) {
      return;
    }
    if (at == held.length()) {
      held = bytes;
    } else {
      Buffer rest = Buffer.buffer(held.length() - at + bytes.length());
      rest.appendBuffer(held, at, held.length() - at);
      rest.appendBuffer(bytes);
      held = rest;
    }
    at = 0;
    drain();
  }

  /** Reads nothing more, and drops what it holds. */
  void stop() {
    stopped = true;
    held = Buffer.buffer(0);
    at = 0;
  }

  void pause() {
    paused = true;
  }

  void resume() {
    if (paused) {
      paused = false;
      drain();
    }
  }

  /** How many packets were handed out so far. */
  long packets() {
    return packets;
  }

  /** True while part of a packet (or of its header) has arrived and the rest has not. */
  boolean midPacket() {
    return !stopped && (expected >= 0 || at < held.length());
  }

  private void drain() {
    while (!paused && !stopped) {
      int available = held.length() - at;
      if (expected < 0) {
        if (available < 4) {
          return;
        }
        int length = held.getInt(at);
        if (packets == 0 && out.first(length)) {
          stop();
          return;
        }
        if (length < 0 || length > max) {
          stop();
          out.refused(length, max);
          return;
        }
        expected = length;
        at += 4;
        available -= 4;
      }
      if (available < expected) {
        return;
      }
      Buffer payload = held.slice(at, at + expected);
      at += expected;
      expected = -1;
      packets++;
      out.packet(payload);
    }
  }
}
