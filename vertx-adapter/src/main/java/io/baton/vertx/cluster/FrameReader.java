package io.baton.vertx.cluster;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits a peer link's bytes into frames of a 4-byte big-endian length and a body. A length outside
 * 1..{@link #maxFrameBytes} is refused as soon as its 4 bytes are read, before anything of the body
 * is buffered; after a refusal, or {@link #stop()}, everything is ignored.
 */
final class FrameReader implements Handler<Buffer> {
  private final Consumer<Buffer> frames;
  private final Consumer<String> refused;
  private int maxFrameBytes;
  private Buffer header = Buffer.buffer(4);
  private Buffer body;
  private int expected = -1;
  private boolean stopped;

  /**
   * @param frames  each whole frame's body, in order
   * @param refused why the stream was refused (called once; nothing is read after it)
   */
  FrameReader(int maxFrameBytes, Consumer<Buffer> frames, Consumer<String> refused) {
    this.maxFrameBytes = maxFrameBytes;
    this.frames = frames;
    this.refused = refused;
  }

  /** Bounds the frames that follow. */
  void maxFrameBytes(int max) {
    this.maxFrameBytes = max;
  }

  /** Ignores everything from now on. */
  void stop() {
    stopped = true;
  }

  @Override
  public void handle(Buffer data) {
    int pos = 0;
    while (!stopped && pos < data.length()) {
      if (expected < 0) {
        int take = Math.min(4 - header.length(), data.length() - pos);
        header.appendBuffer(data, pos, take);
        pos += take;
        if (header.length() < 4) {
          return;
        }
        int length = header.getInt(0);
        header = Buffer.buffer(4);
        if (length < 1 || length > maxFrameBytes) {
          stopped = true;
          refused.accept("a frame of " + length + " bytes (1.." + maxFrameBytes
              + " allowed)");
          return;
        }
        expected = length;
        body = Buffer.buffer(Math.min(length, 64 << 10));
      } else {
        int take = Math.min(expected - body.length(), data.length() - pos);
        body.appendBuffer(data, pos, take);
        pos += take;
        if (body.length() == expected) {
          Buffer frame = body;
          body = null;
          expected = -1;
          frames.accept(frame);
        }
      }
    }
  }
}
