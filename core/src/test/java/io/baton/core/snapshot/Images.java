package io.baton.core.snapshot;

import io.baton.core.session.SessionTable;
import io.baton.core.tree.DataTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Snapshot images held in memory for tests: captured in one go or by hand, then written in one go. */
public final class Images {
  private Images() {
  }

  /** An image's chunks, as the capture handed them over. */
  public record Image(long zxid, List<byte[]> chunks, long length) {
  }

  /** A sink that keeps every chunk, in a fresh buffer each. */
  public static final class Collector implements ImageSink {
    private final List<byte[]> chunks = new ArrayList<>();
    private long length;

    @Override
    public byte[] buffer() {
      return new byte[CHUNK];
    }

    @Override
    public void accept(byte[] chunk, int n) {
      chunks.add(java.util.Arrays.copyOf(chunk, n));
      length += n;
    }

    /** What was captured, as the image of {@code zxid}. */
    public Image image(long zxid) {
      return new Image(zxid, List.copyOf(chunks), length);
    }
  }

  /** The state as of {@code zxid}, serialized in one go. */
  public static Image capture(long zxid, DataTree tree, SessionTable sessions) {
    Collector sink = new Collector();
    SnapshotStore.Capture capture = SnapshotStore.begin(zxid, tree, sessions, sink);
    while (!capture.step(Integer.MAX_VALUE)) {
      // one step writes everything
    }
    capture.finish();
    return sink.image(zxid);
  }

  /** Writes {@code image} into {@code store} on this thread, as a node's writer does on a worker. */
  public static Path write(SnapshotStore store, Image image) throws IOException {
    ImageWriter writer = store.writer(image.zxid(), Runnable::run);
    for (byte[] chunk : image.chunks()) {
      writer.accept(chunk.clone(), chunk.length);
    }
    IOException[] failure = {null};
    Path[] file = {null};
    writer.finish((written, e) -> {
      file[0] = written;
      failure[0] = e;
    });
    if (failure[0] != null) {
      throw failure[0];
    }
    return file[0];
  }
}
