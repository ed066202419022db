package io.baton.core.snapshot;

/**
 * Where a snapshot capture puts its bytes, a chunk at a time: the capture fills a buffer the sink
 * gives it, then hands it back full. Called on the thread that owns the state.
 */
public interface ImageSink {
  /** The size of every chunk: under half of G1's smallest region (1 MiB), so no chunk is a humongous object. */
  int CHUNK = 256 << 10;

  /** A buffer of {@link #CHUNK} bytes to fill as the next chunk (a recycled one, or new). */
  byte[] buffer();

  /** Bytes {@code [0, length)} of a buffer from {@link #buffer} are the next part of the image; the sink owns it now. */
  void accept(byte[] chunk, int length);
}
