package io.baton.vertx.net;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Splits a connection's bytes into frames of a 4-byte big-endian length and that many bytes, for
 * both faces that read length-prefixed frames (the client bridge and the peer links). A length below
 * 1 or above the bound is refused from the header alone, before any of the frame is buffered; after
 * a refusal, or {@link #stop()}, nothing more is read. While paused it keeps what it holds and hands
 * out no frame; {@link #resume()} goes on.
 */
public final class FrameReader implements Handler<Buffer> {
  /** Where frames and refusals go. */
  public interface Frames {
    void frame(Buffer frame);

    /** The header announced {@code length}, outside 1..{@code maxFrameBytes}; nothing more is read. */
    void refused(int length, int maxFrameBytes);
  }

  private int maxFrameBytes;
  private final Frames out;
  private Buffer held = Buffer.buffer(0);
  private int at;
  /** Whether {@code held} is this reader's own buffer (else it is one handed in, not to be appended to). */
  private boolean owned;
  private int expected = -1;
  private boolean paused;
  private boolean failed;
  private long frames;

  public FrameReader(int maxFrameBytes, Frames out) {
    this.maxFrameBytes = maxFrameBytes;
    this.out = out;
  }

  @Override
  public void handle(Buffer bytes) {
    if (failed) {
      return;
    }
    if (at == held.length()) {
      held = bytes;
      at = 0;
      owned = false;
    } else {
      if (!owned || at > 0) {
        Buffer rest = Buffer.buffer(held.length() - at + bytes.length());
        rest.appendBuffer(held, at, held.length() - at);
        held = rest;
        at = 0;
        owned = true;
      }
      held.appendBuffer(bytes);
    }
    drain();
  }

  /** Bounds the frames that follow (also those already received but not yet handed out). */
  public void maxFrameBytes(int max) {
    this.maxFrameBytes = max;
  }

  /** Reads nothing more, and drops what it holds. */
  public void stop() {
    failed = true;
    held = Buffer.buffer(0);
    at = 0;
  }

  public void pause() {
    paused = true;
  }

  public void resume() {
    if (paused) {
      paused = false;
      drain();
    }
  }

  /** How many frames were handed out so far. */
  public long frames() {
    return frames;
  }

  /** True while part of a frame (or of its header) has arrived and the rest has not. */
  public boolean midFrame() {
    return !failed && (expected >= 0 || at < held.length());
  }

  private void drain() {
    while (!paused && !failed) {
      int available = held.length() - at;
      if (expected < 0) {
        if (available < 4) {
          return;
        }
        int length = held.getInt(at);
        if (length < 1 || length > maxFrameBytes) {
          stop();
          out.refused(length, maxFrameBytes);
          return;
        }
        expected = length;
        at += 4;
        available -= 4;
      }
      if (available < expected) {
        return;
      }
      Buffer frame = held.slice(at, at + expected);
      at += expected;
      expected = -1;
      if (at == held.length()) {
        held = Buffer.buffer(0);
        at = 0;
      }
      frames++;
      out.frame(frame);
    }
  }
}
