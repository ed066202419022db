package io.baton.core.log;

import io.baton.core.server.Durability;
import io.baton.core.server.TestNode;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Child-process half of {@link TornTailTest}: writes {@code n} nodes through a real coordinator, then
 * starts one more Chronicle excerpt, writes half of it and halts the JVM without closing it, exactly
 * what a crash in the middle of an append leaves behind.
 */
public final class TornWriter {
  private TornWriter() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    TestNode node = new TestNode(TestNode.config(dir).withDurability(Durability.NONE));
    node.create("/torn", "");
    for (int i = 0; i < n; i++) {
      node.create("/torn/n" + i, "v" + i);
    }
    ChronicleTxnLog log = node.coordinator.log();
    ExcerptAppender appender = log.queue().createAppender();
    DocumentContext dc = appender.writingDocument();
    dc.wire().bytes().writeLong(Long.MAX_VALUE);
    dc.wire().bytes().writeInt(12345);
    System.out.println("TORN");
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
