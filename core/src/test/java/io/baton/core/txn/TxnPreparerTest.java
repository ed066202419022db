package io.baton.core.txn;

import static io.baton.core.server.TestNode.errorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.core.log.LogCodec;
import io.baton.core.log.LogReader;
import io.baton.core.server.CoordinatorConfig;
import io.baton.core.server.Durability;
import io.baton.core.server.TestNode;
import io.baton.core.tree.CreateMode;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every size and count bound of {@link Limits} is enforced before an entry is logged; a refusal leaves no trace. */
class TxnPreparerTest {
  @TempDir
  Path dir;

  private TestNode node(Map<String, Long> limits) throws Exception {
    CoordinatorConfig config = TestNode.config(dir).withDurability(Durability.NONE);
    return new TestNode(config.withLimits(config.limits().with(limits)));
  }

  private static Op.Create create(String path, byte[] data) {
    return new Op.Create(path, data, CreateMode.PERSISTENT, 0, false);
  }

  private static String repeat(String s, int n) {
    return s.repeat(n);
  }

  @Test
  void pathLengthIsCountedInUtf8BytesWithTheSequentialSuffix() throws Exception {
    try (TestNode node = node(Map.of())) {
      TestNode.Mark before = node.mark();
      String ascii = "/" + repeat("a", 4096);
      assertThat(errorOf(() -> node.create(ascii, ""))).isEqualTo(ErrorCode.TOO_LARGE);
      String wide = "/" + repeat("\u00e9", 2048); // 2049 chars, 4097 bytes
      assertThat(errorOf(() -> node.create(wide, ""))).isEqualTo(ErrorCode.TOO_LARGE);
      String prefix = "/" + repeat("q", 4086); // + 10 digits = 4097 bytes
      assertThat(errorOf(() -> node.create(0, prefix, "", CreateMode.PERSISTENT_SEQUENTIAL)))
          .isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(errorOf(() -> node.setData(ascii, "x", -1))).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(errorOf(() -> node.delete(ascii, -1))).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(errorOf(() -> node.submit(0, new Op.Check(ascii, -1)))).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(node.mark()).isEqualTo(before);

      assertThat(node.create(0, "/" + repeat("q", 4085), "", CreateMode.PERSISTENT_SEQUENTIAL)).hasSize(4096);
      assertThat(node.create("/" + repeat("a", 4095), "")).hasSize(4096);
    }
  }

  @Test
  void aSeventeenMebibytePathWithoutSessionIsRefusedQuickly() throws Exception {
    try (TestNode node = node(Map.of())) {
      TestNode.Mark before = node.mark();
      String huge = "/" + repeat("p", 17 << 20);
      long start = System.nanoTime();
      BatonException e = catchThrowableOfType(() -> node.create(huge, "x"), BatonException.class);
      assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(e.getMessage()).contains("maxPathBytes").hasSizeLessThan(200);
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms (generous bound)").isLessThan(5_000);
      assertThat(node.mark()).isEqualTo(before);
      node.create("/after", "x");
    }
  }

  @Test
  void aMultiOfSeventeenOneMebibyteCreatesIsTooLargeAtTheOpThatCrossesMaxRequestBytes() throws Exception {
    try (TestNode node = node(Map.of())) {
      TestNode.Mark before = node.mark();
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < 17; i++) {
        ops.add(create("/big" + i, new byte[1 << 20]));
      }
      MultiFailedException e = catchThrowableOfType(() -> node.submit(0, new Command.Multi(ops)),
          MultiFailedException.class);
      assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(e.failedIndex()).isEqualTo(3); // 4 x 1 MiB + their paths > 4 MiB
      assertThat(e.results().get(3)).isInstanceOf(OpResult.Error.class);
      assertThat(((OpResult.Error) e.results().get(3)).message()).contains("maxRequestBytes");
      assertThat(node.mark()).isEqualTo(before);
      node.submit(0, new Command.Multi(ops.subList(0, 3)));
      assertThat(node.exists("/big2")).isTrue();
    }
  }

  @Test
  void tooManyOpsInAMultiIsBadArguments() throws Exception {
    try (TestNode node = node(Map.of("maxMultiOps", 10L))) {
      TestNode.Mark before = node.mark();
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        ops.add(new Op.Check("/", -1));
      }
      BatonException e = catchThrowableOfType(() -> node.submit(0, new Command.Multi(ops)), BatonException.class);
      assertThat(e.code()).isEqualTo(ErrorCode.BAD_ARGUMENTS);
      assertThat(e.getMessage()).contains("maxMultiOps");
      assertThat(node.mark()).isEqualTo(before);
      node.submit(0, new Command.Multi(ops.subList(0, 10)));
    }
  }

  @Test
  void createParentsOfFiftyThousandSegmentsIsRefusedQuicklyWithoutRecursion() throws Exception {
    // path limit raised so that only the entry estimate stops it (a 100 KB path)
    try (TestNode node = node(Map.of("maxPathBytes", 1L << 20))) {
      TestNode.Mark before = node.mark();
      String deep = repeat("/a", 50_000);
      long start = System.nanoTime();
      BatonException e = catchThrowableOfType(
          () -> node.submit(0, new Op.Create(deep, null, CreateMode.PERSISTENT, 0, true)), BatonException.class);
      assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(e.getMessage()).contains("maxEntryBytes");
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms (generous bound)").isLessThan(5_000);
      assertThat(node.mark()).isEqualTo(before);
    }
  }

  @Test
  void createParentsAsDeepAsTheDefaultPathLimitAllowsSucceedsAndSurvivesRestart() throws Exception {
    String deep = repeat("/a", 2048); // 4096 bytes, 2048 levels
    try (TestNode node = node(Map.of())) {
      List<OpResult> r = node.submit(0, new Op.Create(deep, "leaf".getBytes(), CreateMode.PERSISTENT, 0, true));
      assertThat(r).hasSize(2048);
      assertThat(node.data(deep)).isEqualTo("leaf");
    }
    try (TestNode node = node(Map.of())) {
      assertThat(node.data(deep)).isEqualTo("leaf");
    }
  }

  @Test
  void createParentsCountsTheirPathsAgainstMaxEntryBytes() throws Exception {
    try (TestNode node = node(Map.of("maxPathBytes", 16_384L, "maxDataBytes", 1024L, "maxRequestBytes", 65_536L,
        "maxEntryBytes", 65_536L))) {
      TestNode.Mark before = node.mark();
      String deep = repeat("/" + repeat("s", 49), 200); // 10,000 bytes; its parents ~1 MB of paths
      assertThat(errorOf(() -> node.submit(0, new Op.Create(deep, null, CreateMode.PERSISTENT, 0, true))))
          .isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(node.mark()).isEqualTo(before);
    }
  }

  @Test
  void maxSessionsRefusesFurtherSessionsUntilOneCloses() throws Exception {
    try (TestNode node = node(Map.of("maxSessions", 2L))) {
      long a = node.openSession(10_000);
      node.openSession(10_000);
      TestNode.Mark before = node.mark();
      assertThat(errorOf(() -> node.openSession(10_000))).isEqualTo(ErrorCode.THROTTLED);
      assertThat(node.mark()).isEqualTo(before);
      node.closeSession(a);
      node.openSession(10_000);
    }
  }

  @Test
  void aSessionAlwaysFitsInItsCloseEntry() throws Exception {
    int maxEntry = 65_536;
    try (TestNode node = node(Map.of("maxDataBytes", 1024L, "maxRequestBytes", (long) maxEntry,
        "maxEntryBytes", (long) maxEntry))) {
      long s = node.openSession(30_000);
      node.create("/e", "");
      String name = "/e/" + repeat("n", 96) + "-";
      int made = 0;
      ErrorCode refused = null;
      while (refused == null) {
        // several per multi: the ephemerals of one command count too
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          ops.add(new Op.Create(name + made + "-" + i, null, CreateMode.EPHEMERAL, 0, false));
        }
        try {
          node.submit(s, new Command.Multi(ops));
          made += 10;
        } catch (BatonException e) {
          refused = e.code();
        }
      }
      assertThat(refused).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(made).isGreaterThan(400);
      TestNode.Mark before = node.mark();
      assertThat(errorOf(() -> node.create(s, name + "x", "", CreateMode.EPHEMERAL))).isEqualTo(ErrorCode.TOO_LARGE);
      assertThat(node.mark()).isEqualTo(before);
      node.closeSession(s);
      assertThat(node.children("/e")).isEmpty();
      byte[] closeEntry = lastEntry(node);
      assertThat(closeEntry.length).isLessThanOrEqualTo(maxEntry);
      assertThat(((CloseSessionTxn) new LogCodec().decode(closeEntry).getTxn()).getEphemerals()).hasSize(made);
    }
  }

  @Test
  void closingASessionWithTenThousandLongEphemeralsAtDefaultLimits() throws Exception {
    try (TestNode node = node(Map.of())) {
      long s = node.openSession(30_000);
      node.create("/e", "");
      for (int m = 0; m < 10; m++) {
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
          ops.add(new Op.Create("/e/" + repeat("x", 380) + "-" + m + "-" + i, null, CreateMode.EPHEMERAL, 0, false));
        }
        node.submit(s, new Command.Multi(ops));
      }
      node.closeSession(s);
      assertThat(node.children("/e")).isEmpty();
      assertThat(lastEntry(node).length).isBetween(3_000_000, Limits.defaults().maxEntryBytes());
    }
    try (TestNode node = node(Map.of())) {
      assertThat(node.children("/e")).isEmpty();
    }
  }

  private static byte[] lastEntry(TestNode node) {
    return node.call(() -> {
      try (LogReader r = node.coordinator.log().readerAfter(node.coordinator.lastApplied() - 1)) {
        LogEntry e = r.next();
        return new LogCodec().encode(e);
      } catch (java.io.IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
    });
  }
}
