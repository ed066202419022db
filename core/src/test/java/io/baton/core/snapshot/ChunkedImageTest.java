package io.baton.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.session.SessionTable;
import io.baton.core.tree.DataTree;
import io.baton.core.tree.Znode;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot image is held in fixed-size chunks: data larger than a chunk, and fields and data that
 * straddle chunk boundaries, are written and read back exactly.
 */
class ChunkedImageTest {
  @TempDir
  Path dir;

  @Test
  void aTreeOfManyChunksRoundTrips() throws Exception {
    Random random = new Random(7);
    DataTree tree = new DataTree();
    long zxid = 1L << 32;
    int nodes = 60;
    byte[][] data = new byte[nodes][];
    for (int i = 0; i < nodes; i++) {
      // from empty to several chunks, so boundaries fall inside data, lengths and stats
      data[i] = new byte[i % 10 == 0 ? 700_000 + random.nextInt(100_000) : random.nextInt(90_000)];
      random.nextBytes(data[i]);
      zxid++;
      tree.create("/n" + i, data[i], 0, tree.get("/").cversion() + 1, zxid, 1_000 + i);
    }
    Images.Image image = Images.capture(zxid, tree, new SessionTable());
    assertThat(image.chunks()).as("chunks").hasSizeGreaterThan(10);
    SnapshotStore store = new SnapshotStore(dir);
    Images.write(store, image);

    SnapshotStore.Loaded loaded = store.loadNewest().orElseThrow();
    assertThat(loaded.zxid()).isEqualTo(zxid);
    for (int i = 0; i < nodes; i++) {
      Znode node = loaded.tree().get("/n" + i);
      assertThat(node).as("node %d", i).isNotNull();
      byte[] back = new byte[node.dataLength()];
      node.copyData(back, 0);
      assertThat(back).as("data of node %d", i).isEqualTo(data[i]);
      assertThat(node.stat().mtime()).isEqualTo(1_000 + i);
    }
  }
}
