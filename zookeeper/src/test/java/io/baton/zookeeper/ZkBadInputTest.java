package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.proto.GetDataResponse;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input no ZooKeeper client sends, on raw sockets: the node closes the connection (bad framing, no
 * handshake) or answers an error and keeps it (a truncated record, an unknown opcode); nothing is
 * written, and a well-behaved client is served throughout.
 */
class ZkBadInputTest {
  @TempDir
  Path dir;
  ZkNode node;
  ZooKeeper good;

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir, c -> c.withLimits(c.limits().with("frameTimeoutMs", 1_000)));
    good = node.client();
    good.create("/kept", "v".getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
  }

  @AfterEach
  void stop() throws Exception {
    good.close();
    node.close();
  }

  private long applied() throws Exception {
    return node.call(() -> node.coordinator.lastApplied());
  }

  private void goodClientStillServed() throws Exception {
    assertThat(good.getData("/kept", false, null)).isEqualTo("v".getBytes());
  }

  private static ReplyHeader header(byte[] payload) throws Exception {
    ReplyHeader h = new ReplyHeader();
    h.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(payload)), "");
    return h;
  }

  @Test
  void randomBytesAsAFirstPacketCloseTheConnection() throws Exception {
    long before = applied();
    byte[] junk = new byte[200];
    new Random(7).nextBytes(junk);
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.sendPacket(junk);
      assertThat(raw.closedByNode()).isTrue();
    }
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.sendRaw(junk);
      assertThat(raw.closedByNode()).isTrue();
    }
    assertThat(applied()).isEqualTo(before);
    goodClientStillServed();
  }

  @Test
  void aNegativeLengthOrOneAboveTheLimitClosesTheConnection() throws Exception {
    long before = applied();
    for (int length : new int[] {-1, Integer.MIN_VALUE, (1 << 20) + 1, Integer.MAX_VALUE}) {
      try (RawZk raw = new RawZk(node.zkPort)) {
        raw.sendRaw(ByteBuffer.allocate(8).putInt(length).putInt(0).array());
        assertThat(raw.closedByNode()).as("length %d", length).isTrue();
      }
    }
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.handshake();
      raw.sendRaw(ByteBuffer.allocate(4).putInt((1 << 20) + 1).array());
      assertThat(raw.closedByNode()).as("after the handshake").isTrue();
    }
    goodClientStillServed();
    assertThat(applied()).as("only the session the handshake opened").isEqualTo(before + 1);
  }

  @Test
  void aRequestBeforeTheHandshakeClosesTheConnection() throws Exception {
    long before = applied();
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.request(1, 4, new GetDataRequest("/kept", false));
      assertThat(raw.closedByNode()).isTrue();
    }
    assertThat(applied()).isEqualTo(before);
    goodClientStillServed();
  }

  @Test
  void aHalfSentPacketIsCutOffAfterFrameTimeoutMs() throws Exception {
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.sendRaw(ByteBuffer.allocate(6).putInt(44).putShort((short) 0).array());
      assertThat(raw.closedByNode()).isTrue();
    }
    try (RawZk raw = new RawZk(node.zkPort)) {
      assertThat(raw.closedByNode()).as("no ConnectRequest at all").isTrue();
    }
    goodClientStillServed();
  }

  @Test
  void aTruncatedRecordIsAnsweredMarshallingErrorAndTheConnectionServesOn() throws Exception {
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.handshake();
      long before = applied();
      byte[] whole = RawZk.serialize(new RequestHeader(1, 1), new org.apache.zookeeper.proto.CreateRequest("/made",
          new byte[10], ZooDefs.Ids.OPEN_ACL_UNSAFE, 0));
      raw.sendPacket(Arrays.copyOf(whole, whole.length - 6));
      ReplyHeader reply = header(raw.readPacket());
      assertThat(reply.getXid()).isEqualTo(1);
      assertThat(reply.getErr()).isEqualTo(-5);

      raw.request(2, 4, new GetDataRequest("/kept", false));
      byte[] payload = raw.readPacket();
      assertThat(header(payload).getErr()).isZero();
      GetDataResponse data = new GetDataResponse();
      BinaryInputArchive in = BinaryInputArchive.getArchive(new ByteArrayInputStream(payload));
      new ReplyHeader().deserialize(in, "");
      data.deserialize(in, "");
      assertThat(data.getData()).isEqualTo("v".getBytes());
      assertThat(applied()).isEqualTo(before);
    }
    assertThat(good.exists("/made", false)).isNull();
    goodClientStillServed();
  }

  @Test
  void unknownAndUnsupportedOpcodesAreAnsweredUnimplementedAndTheConnectionStays() throws Exception {
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.handshake();
      int xid = 10;
      for (int type : new int[] {16, 102, 20, -10, 999, 0}) {
        raw.request(xid, type, new GetDataRequest("/kept", false));
        ReplyHeader reply = header(raw.readPacket());
        assertThat(reply.getXid()).isEqualTo(xid);
        assertThat(reply.getErr()).as("opcode %d", type).isEqualTo(-6);
        xid++;
      }
      raw.request(xid, 4, new GetDataRequest("/kept", false));
      assertThat(header(raw.readPacket()).getErr()).isZero();
    }
    goodClientStillServed();
  }

  @Test
  void aConnectRequestWithoutTheReadOnlyByteIsAnsweredWithoutIt() throws Exception {
    try (RawZk raw = new RawZk(node.zkPort)) {
      byte[] withFlag = RawZk.serialize(new org.apache.zookeeper.proto.ConnectRequest(0, 0, 10_000, 0, new byte[16],
          false));
      raw.sendPacket(Arrays.copyOf(withFlag, withFlag.length - 1));
      byte[] response = raw.readPacket();
      assertThat(response).hasSize(36);
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(response));
      assertThat(in.readInt()).isZero();
      assertThat(in.readInt()).isEqualTo(10_000);
      assertThat(in.readLong()).isNotZero();
      assertThat(in.readInt()).isEqualTo(16);
    }
    try (RawZk raw = new RawZk(node.zkPort)) {
      assertThat(raw.handshake()).isEqualTo(37);
    }
  }

  @Test
  void aClientThatHasSeenMoreThanTheNodeIsRefused() throws Exception {
    try (RawZk raw = new RawZk(node.zkPort)) {
      raw.sendPacket(RawZk.serialize(new org.apache.zookeeper.proto.ConnectRequest(0, applied() + 1_000, 10_000, 0,
          new byte[16], false)));
      assertThat(raw.closedByNode()).isTrue();
    }
    goodClientStillServed();
  }
}
