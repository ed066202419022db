package io.baton.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.stream.ChangeEvent.Kind;
import io.baton.core.tree.EphemeralOwner;
import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateSessionTxn;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteCause;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetDataTxn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Change events derived from each kind of log entry. */
class ChangeEventsTest {
  private static final long Z = 0x2_0000_0007L;
  private static final long T = 1_700_000_000_123L;

  private static ByteBuffer buf(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<ChangeEvent> of(Object txn) {
    return ChangeEvents.of(new LogEntry(Z, T, txn));
  }

  @Test
  void createTxn() {
    List<ChangeEvent> events = of(new CreateTxn("/a/b", buf("hi"), 0L, 3, java.util.List.of()));
    assertThat(events).hasSize(1);
    ChangeEvent e = events.get(0);
    assertThat(e.zxid()).isEqualTo(Z);
    assertThat(e.time()).isEqualTo(T);
    assertThat(e.kind()).isEqualTo(Kind.NODE_CREATED);
    assertThat(e.path()).isEqualTo("/a/b");
    assertThat(e.sessionId()).isZero();
    assertThat(e.version()).isZero();
    assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo("hi");
    assertThat(e.cause()).isNull();
  }

  @Test
  void createTxnCarriesEphemeralOwner() {
    assertThat(of(new CreateTxn("/e", buf(""), 0x0100_0000_0000_0042L, 1, java.util.List.of())).get(0).sessionId())
        .isEqualTo(0x0100_0000_0000_0042L);
    assertThat(of(new CreateTxn("/c", buf(""), EphemeralOwner.CONTAINER, 1, java.util.List.of())).get(0).sessionId())
        .isEqualTo(Long.MIN_VALUE);
    assertThat(of(new CreateTxn("/t", buf(""), EphemeralOwner.ttl(500), 1, java.util.List.of())).get(0).sessionId())
        .isEqualTo(EphemeralOwner.ttl(500));
    assertThat(of(new CreateTxn("/empty", buf(""), 0L, 1, java.util.List.of())).get(0).data()).isEmpty();
  }

  @Test
  void setDataTxn() {
    List<ChangeEvent> events = of(new SetDataTxn("/a", buf("new"), 4));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.NODE_DATA_CHANGED);
      assertThat(e.path()).isEqualTo("/a");
      assertThat(e.version()).isEqualTo(4);
      assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo("new");
      assertThat(e.sessionId()).isZero();
      assertThat(e.cause()).isNull();
      assertThat(e.zxid()).isEqualTo(Z);
    });
  }

  @Test
  void deleteTxnForEveryCause() {
    for (DeleteCause cause : DeleteCause.values()) {
      List<ChangeEvent> events = of(new DeleteTxn("/gone", cause));
      assertThat(events).singleElement().satisfies(e -> {
        assertThat(e.kind()).isEqualTo(Kind.NODE_DELETED);
        assertThat(e.path()).isEqualTo("/gone");
        assertThat(e.version()).isEqualTo(-1);
        assertThat(e.data()).isNull();
        assertThat(e.cause()).isEqualTo(cause.name());
        assertThat(e.time()).isEqualTo(T);
      });
    }
  }

  @Test
  void checkTxnProducesNothing() {
    assertThat(of(new CheckTxn("/a", 3))).isEmpty();
  }

  @Test
  void multiTxnFlattensInOrderWithOneZxid() {
    List<ChangeEvent> events = of(new MultiTxn(List.of(
        new CreateTxn("/m", buf("1"), 0L, 1, java.util.List.of()),
        new CheckTxn("/m", 0),
        new SetDataTxn("/m", buf("2"), 1),
        new DeleteTxn("/old", DeleteCause.CLIENT))));
    assertThat(events).extracting(ChangeEvent::kind)
        .containsExactly(Kind.NODE_CREATED, Kind.NODE_DATA_CHANGED, Kind.NODE_DELETED);
    assertThat(events).extracting(ChangeEvent::path).containsExactly("/m", "/m", "/old");
    assertThat(events).extracting(ChangeEvent::zxid).containsOnly(Z);
    assertThat(events).extracting(ChangeEvent::time).containsOnly(T);
    assertThat(of(new MultiTxn(List.of()))).isEmpty();
  }

  @Test
  void createSessionTxn() {
    assertThat(of(new CreateSessionTxn(0x0100_0000_0000_0001L, 12_000))).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.SESSION_OPENED);
      assertThat(e.path()).isNull();
      assertThat(e.sessionId()).isEqualTo(0x0100_0000_0000_0001L);
      assertThat(e.version()).as("timeout").isEqualTo(12_000);
      assertThat(e.data()).isNull();
      assertThat(e.cause()).isNull();
    });
  }

  @Test
  void closeSessionTxnListsEphemeralsThenSessionClosed() {
    long sid = 0x0100_0000_0000_0009L;
    List<ChangeEvent> events = of(new CloseSessionTxn(sid, CloseReason.EXPIRED, List.of("/a", "/b/c")));
    assertThat(events).hasSize(3);
    assertThat(events).extracting(ChangeEvent::kind)
        .containsExactly(Kind.NODE_DELETED, Kind.NODE_DELETED, Kind.SESSION_CLOSED);
    assertThat(events).extracting(ChangeEvent::path).containsExactly("/a", "/b/c", null);
    assertThat(events).extracting(ChangeEvent::cause).containsExactly("SESSION_EXPIRED", "SESSION_EXPIRED", "EXPIRED");
    assertThat(events).extracting(ChangeEvent::sessionId).containsOnly(sid);
    assertThat(events).extracting(ChangeEvent::zxid).containsOnly(Z);
    assertThat(events.get(0).version()).isEqualTo(-1);

    List<ChangeEvent> closed = of(new CloseSessionTxn(sid, CloseReason.CLOSED, List.of()));
    assertThat(closed).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(Kind.SESSION_CLOSED);
      assertThat(e.cause()).isEqualTo("CLOSED");
      assertThat(e.sessionId()).isEqualTo(sid);
    });
  }

  @Test
  void unknownTxnIsRejected() {
    assertThatThrownBy(() -> of("not a txn")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bytesAvoidsCopyOnlyForAWholeArray() {
    byte[] whole = "abc".getBytes(StandardCharsets.UTF_8);
    assertThat(ChangeEvents.bytes(ByteBuffer.wrap(whole))).isSameAs(whole);

    ByteBuffer slice = ByteBuffer.wrap("xabcx".getBytes(StandardCharsets.UTF_8), 1, 3);
    assertThat(ChangeEvents.bytes(slice)).containsExactly('a', 'b', 'c');
    assertThat(slice.position()).as("source untouched").isEqualTo(1);

    ByteBuffer direct = ByteBuffer.allocateDirect(2).put((byte) 7).put((byte) 8).flip();
    assertThat(ChangeEvents.bytes(direct)).containsExactly(7, 8);
  }
}
