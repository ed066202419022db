package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A leader's append messages are bounded in bytes as well as in entries, and always make progress. */
class RaftAppendBoundTest {
  private static final List<Long> IDS = List.of(1L, 2L, 3L);

  /** Node 1 leading term 2 over a log of entries of the given sizes (term 1), asked to send node 2 everything. */
  private static RaftMessage appendFromStart(RaftConfig config, int... sizes) {
    List<Entry> log = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      log.add(new Entry(i + 1, 1, new byte[sizes[i]]));
    }
    RaftNode n = new RaftNode(1, IDS, config, new Random(1), new HardState(1, 0, 0), log, 0);
    while (n.role() != RaftNode.Role.CANDIDATE) {
      n.tick();
    }
    n.step(new RaftMessage(RaftMessage.Type.VOTE_RESP, 2, 1, n.term(), 0, 0, List.of(), 0, false, 0));
    assertThat(n.role()).isEqualTo(RaftNode.Role.LEADER);
    n.ready();
    n.step(new RaftMessage(RaftMessage.Type.APPEND_RESP, 2, 1, n.term(), sizes.length + 1, 0, List.of(), 0, true, 0));
    return n.ready().messages().stream().filter(m -> m.to() == 2 && m.type() == RaftMessage.Type.APPEND)
        .findFirst().orElseThrow();
  }

  @Test
  void appendsStopAtTheByteBudget() {
    long budget = 3 * (RaftCodec.ENTRY_FIXED + 1000L);
    RaftMessage m = appendFromStart(new RaftConfig(10, 1, false, 2048, budget), 1000, 1000, 1000, 1000, 1000);
    assertThat(m.index()).isZero();
    assertThat(m.entries()).hasSize(3);
    assertThat(RaftCodec.bodySize(m)).isLessThanOrEqualTo(RaftCodec.FIXED + (int) budget);
  }

  @Test
  void anEntryLargerThanTheBudgetGoesAlone() {
    RaftMessage m = appendFromStart(new RaftConfig(10, 1, false, 2048, 4096), 10_000, 10, 10);
    assertThat(m.entries()).hasSize(1);
    assertThat(m.entries().get(0).data()).hasSize(10_000);
  }

  @Test
  void theEntryCountStillBounds() {
    RaftMessage m = appendFromStart(new RaftConfig(10, 1, false, 2, Long.MAX_VALUE), 1, 1, 1, 1);
    assertThat(m.entries()).hasSize(2);
  }
}
