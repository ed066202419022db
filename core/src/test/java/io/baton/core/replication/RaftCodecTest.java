package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.replication.RaftCodec.MalformedMessageException;
import io.baton.core.replication.RaftMessage.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RaftCodecTest {

  private static RaftMessage randomMessage(Random r) {
    Type type = Type.values()[r.nextInt(Type.values().length)];
    if (type == Type.SNAPSHOT) {
      return new RaftMessage(type, 1 + r.nextInt(5), 1 + r.nextInt(5), r.nextInt(50), 1 + r.nextInt(1000),
          r.nextInt(50), List.of(), r.nextInt(1000), false, 0);
    }
    long index = r.nextInt(1000);
    List<Entry> entries = new ArrayList<>();
    int n = type == Type.APPEND ? r.nextInt(5) : 0;
    for (int i = 0; i < n; i++) {
      byte[] data = new byte[r.nextInt(40)];
      r.nextBytes(data);
      entries.add(new Entry(index + 1 + i, 1 + r.nextInt(9), data));
    }
    return new RaftMessage(type, 1 + r.nextInt(5), 1 + r.nextInt(5), r.nextInt(50), index, r.nextInt(50) - 1,
        entries, r.nextInt(1000), r.nextBoolean(), r.nextInt(1000) - 1);
  }

  private static void assertSame(RaftMessage actual, RaftMessage expected) {
    assertThat(actual.type()).isEqualTo(expected.type());
    assertThat(List.of(actual.from(), actual.to(), actual.term(), actual.index(), actual.logTerm(), actual.commit(),
        actual.hint())).isEqualTo(List.of(expected.from(), expected.to(), expected.term(), expected.index(),
        expected.logTerm(), expected.commit(), expected.hint()));
    assertThat(actual.reject()).isEqualTo(expected.reject());
    assertThat(actual.entries()).hasSameSizeAs(expected.entries());
    for (int i = 0; i < expected.entries().size(); i++) {
      Entry a = actual.entries().get(i);
      Entry e = expected.entries().get(i);
      assertThat(a.index()).isEqualTo(e.index());
      assertThat(a.term()).isEqualTo(e.term());
      assertThat(a.data()).isEqualTo(e.data());
    }
  }

  @Test
  void roundTripsEveryTypeAndField() throws Exception {
    Random r = new Random(42);
    for (int i = 0; i < 500; i++) {
      RaftMessage m = randomMessage(r);
      assertSame(RaftCodec.decode(RaftCodec.encode(m)), m);
      RaftMessage framed = RaftCodec.decodeFrame(ByteBuffer.wrap(RaftCodec.encodeFrame(m)));
      assertSame(framed, m);
    }
    RaftMessage big = new RaftMessage(Type.APPEND, 1, 2, 3, 4, 5,
        List.of(new Entry(5, 3, new byte[0]), new Entry(6, 3, new byte[100_000])), 4, false, 0);
    assertSame(RaftCodec.decode(RaftCodec.encode(big)), big);
  }

  @Test
  void decodesFramesFromAStreamInPieces() throws Exception {
    Random r = new Random(7);
    List<RaftMessage> sent = new ArrayList<>();
    ByteBuffer wire = ByteBuffer.allocate(1 << 16);
    for (int i = 0; i < 30; i++) {
      RaftMessage m = randomMessage(r);
      sent.add(m);
      wire.put(RaftCodec.encodeFrame(m));
    }
    wire.flip();
    byte[] all = new byte[wire.remaining()];
    wire.get(all);
    // feed the bytes in random chunks, as a socket would
    ByteBuffer in = ByteBuffer.allocate(all.length);
    List<RaftMessage> received = new ArrayList<>();
    int fed = 0;
    while (fed < all.length) {
      int chunk = Math.min(all.length - fed, 1 + r.nextInt(37));
      in.put(all, fed, chunk);
      fed += chunk;
      in.flip();
      RaftMessage m;
      while ((m = RaftCodec.decodeFrame(in)) != null) {
        received.add(m);
      }
      in.compact();
    }
    assertThat(received).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      assertSame(received.get(i), sent.get(i));
    }
  }

  @Test
  void incompleteFrameLeavesTheBufferUntouched() throws Exception {
    byte[] frame = RaftCodec.encodeFrame(RaftMessage.of(Type.VOTE, 1, 2, 3));
    ByteBuffer in = ByteBuffer.wrap(frame, 0, frame.length - 1);
    assertThat(RaftCodec.decodeFrame(in)).isNull();
    assertThat(in.position()).isZero();
    assertThat(RaftCodec.decodeFrame(ByteBuffer.wrap(frame, 0, 3))).isNull();
  }

  @Test
  void rejectsMalformedBodies() {
    RaftMessage m = new RaftMessage(Type.APPEND, 1, 2, 3, 4, 5,
        List.of(new Entry(5, 3, "abc".getBytes()), new Entry(6, 3, "de".getBytes())), 4, false, 0);
    byte[] good = RaftCodec.encode(m);

    assertMalformed(new byte[0], "shorter");
    assertMalformed(Arrays.copyOf(good, good.length - 1), "");
    assertMalformed(Arrays.copyOf(good, good.length + 1), "trailing");
    assertMalformed(with(good, 0, (byte) 9), "version");
    assertMalformed(with(good, 1, (byte) 7), "type");
    assertMalformed(with(good, 1, (byte) Type.SNAPSHOT.ordinal()), "snapshot message with 2 entries");
    assertMalformed(with(good, 1, (byte) -1), "type");
    assertMalformed(withLong(good, 2, -1), "from");
    assertMalformed(withLong(good, 2 + 16, -7), "term");
    assertMalformed(with(good, 2 + 48, (byte) 2), "reject");
    int countAt = 2 + 48 + 1 + 8;
    assertMalformed(withInt(good, countAt, -1), "count");
    assertMalformed(withInt(good, countAt, 1 << 30), "count");
    assertMalformed(withInt(good, countAt, 1), "trailing");
    int firstEntry = countAt + 4;
    assertMalformed(withLong(good, firstEntry, 9), "index");
    assertMalformed(withInt(good, firstEntry + 16, Integer.MAX_VALUE), "length");
    assertMalformed(withInt(good, firstEntry + 16, -2), "length");

    // random garbage and random corruption never escape as anything but MalformedMessageException
    Random r = new Random(3);
    for (int i = 0; i < 2000; i++) {
      byte[] bad = good.clone();
      if (r.nextBoolean()) {
        bad = new byte[r.nextInt(200)];
        r.nextBytes(bad);
      } else {
        for (int k = 0; k < 1 + r.nextInt(3); k++) {
          bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
        }
        bad = Arrays.copyOf(bad, Math.max(0, bad.length - r.nextInt(3)));
      }
      try {
        RaftCodec.decode(bad);
      } catch (MalformedMessageException expected) {
        // fine
      }
    }
  }

  @Test
  void snapshotMessagesCarryOnlyMetadata() throws Exception {
    RaftMessage snap = new RaftMessage(Type.SNAPSHOT, 1, 3, 4, 120, 3, List.of(), 130, false, 0);
    byte[] good = RaftCodec.encode(snap);
    assertSame(RaftCodec.decode(good), snap);
    assertThat(good[0]).as("the layout did not change: still version 1").isEqualTo(RaftCodec.VERSION)
        .isEqualTo((byte) 1);
    int indexAt = 2 + 24;
    assertMalformed(withLong(good, indexAt, 0), "index 0");
    assertMalformed(withLong(good, indexAt + 8, -1), "log term -1");
  }

  @Test
  void rejectsBadFrameLengths() {
    ByteBuffer negative = ByteBuffer.allocate(8).putInt(-5).putInt(0).flip();
    assertThatThrownBy(() -> RaftCodec.decodeFrame(negative)).isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("frame length");
    ByteBuffer tiny = ByteBuffer.allocate(8).putInt(3).putInt(0).flip();
    assertThatThrownBy(() -> RaftCodec.decodeFrame(tiny)).isInstanceOf(MalformedMessageException.class);
    byte[] frame = RaftCodec.encodeFrame(new RaftMessage(Type.APPEND, 1, 2, 3, 0, 0,
        List.of(new Entry(1, 3, new byte[500])), 0, false, 0));
    assertThatThrownBy(() -> RaftCodec.decodeFrame(ByteBuffer.wrap(frame), 100))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("out of range");
    // a well-framed but malformed body is consumed, so the stream can go on with the next frame
    byte[] body = RaftCodec.encode(RaftMessage.of(Type.VOTE, 1, 2, 3));
    body[0] = 7;
    byte[] next = RaftCodec.encodeFrame(RaftMessage.of(Type.VOTE_RESP, 2, 1, 3));
    ByteBuffer in = ByteBuffer.allocate(4 + body.length + next.length).putInt(body.length).put(body).put(next).flip();
    assertThatThrownBy(() -> RaftCodec.decodeFrame(in)).isInstanceOf(MalformedMessageException.class);
    assertThat(in.position()).isEqualTo(4 + body.length);
  }

  private static void assertMalformed(byte[] body, String messagePart) {
    assertThatThrownBy(() -> RaftCodec.decode(body)).isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining(messagePart);
  }

  private static byte[] with(byte[] b, int at, byte v) {
    byte[] c = b.clone();
    c[at] = v;
    return c;
  }

  private static byte[] withInt(byte[] b, int at, int v) {
    byte[] c = b.clone();
    ByteBuffer.wrap(c).putInt(at, v);
    return c;
  }

  private static byte[] withLong(byte[] b, int at, long v) {
    byte[] c = b.clone();
    ByteBuffer.wrap(c).putLong(at, v);
    return c;
  }
}
