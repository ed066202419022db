package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.replication.RaftCodec.MalformedMessageException;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.MultiFailedException;
import io.baton.core.txn.Op;
import io.baton.core.txn.OpResult;
import io.baton.schemas.log.CloseReason;
import io.baton.schemas.log.DeleteCause;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeerCodecTest {

  private static PeerCodec.Frame roundTrip(PeerCodec.Frame f) throws MalformedMessageException {
    return PeerCodec.decode(PeerCodec.encode(f));
  }

  @Test
  void everyCommandSurvivesTheWire() throws Exception {
    List<Command> commands = List.of(
        new Op.Create("/a/b", "data".getBytes(), CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 5_000, true),
        new Op.Create("/n", null, CreateMode.EPHEMERAL, 0, false),
        new Op.Delete("/a", 3), new Op.SetData("/a", new byte[] {1, 2}, -1), new Op.Check("/c", 7),
        new Command.Multi(List.of(new Op.Check("/c", 1), new Op.Delete("/d", -1))),
        new Command.Multi(List.of()),
        new Command.OpenSession(12_000), new Command.CloseSession(0x0100000000000abcL, CloseReason.EXPIRED),
        new Command.Reap("/ttl", DeleteCause.TTL),
        new Op.Create("/acl", new byte[0], CreateMode.PERSISTENT, 0, false, List.of(new io.baton.core.acl.Acl(5,
            new io.baton.core.auth.Identity("digest", "alice:x")), io.baton.core.acl.Acl.OPEN)),
        new Command.SetAcl("/acl", List.of(new io.baton.core.acl.Acl(1,
            new io.baton.core.auth.Identity("ip", "10.0.0.0/8"))), 3));
    io.baton.core.auth.Caller caller = new io.baton.core.auth.Caller(java.util.Set.of(
        new io.baton.core.auth.Identity("x509", "CN=a,O=b"), new io.baton.core.auth.Identity("ip", "127.0.0.1")));
    for (Command c : commands) {
      for (io.baton.core.auth.Caller who : List.of(caller, io.baton.core.auth.Caller.SYSTEM,
          io.baton.core.auth.Caller.ANONYMOUS)) {
        PeerCodec.Forward back = (PeerCodec.Forward) roundTrip(new PeerCodec.Forward(42L, 7L, c, who));
        assertThat(back.tag()).isEqualTo(42L);
        assertThat(back.sessionId()).isEqualTo(7L);
        assertThat(back.command()).usingRecursiveComparison().isEqualTo(c);
        assertThat(back.caller()).isEqualTo(who);
      }
    }
  }

  @Test
  void refusalsKeepCodeMessageAndMultiResults() throws Exception {
    BatonException plain = BatonException.noNode("/x");
    PeerCodec.Reject r = (PeerCodec.Reject) roundTrip(new PeerCodec.Reject(9L, plain));
    assertThat(r.error().code()).isEqualTo(ErrorCode.NO_NODE);
    assertThat(r.error().getMessage()).isEqualTo(plain.getMessage());

    MultiFailedException multi = new MultiFailedException(new BatonException(ErrorCode.BAD_VERSION, "v"), 1,
        List.of(new OpResult.Error(ErrorCode.OK, "rolled back"), new OpResult.Error(ErrorCode.BAD_VERSION, "v"),
            new OpResult.Error(ErrorCode.RUNTIME_INCONSISTENCY, "not run")));
    PeerCodec.Reject m = (PeerCodec.Reject) roundTrip(new PeerCodec.Reject(10L, multi));
    assertThat(m.error()).isInstanceOfSatisfying(MultiFailedException.class, e -> {
      assertThat(e.getMessage()).isEqualTo(multi.getMessage());
      assertThat(e.failedIndex()).isEqualTo(1);
      assertThat(e.results()).isEqualTo(multi.results());
    });

    PeerCodec.Touch t = (PeerCodec.Touch) roundTrip(new PeerCodec.Touch(new long[] {1, 2, 3}));
    assertThat(t.sessionIds()).containsExactly(1, 2, 3);
  }

  @Test
  void malformedFramesAreRefusedNotThrownAsAnythingElse() {
    assertThatThrownBy(() -> PeerCodec.decode(new byte[0])).isInstanceOf(MalformedMessageException.class);
    assertThatThrownBy(() -> PeerCodec.decode(new byte[] {99})).isInstanceOf(MalformedMessageException.class);
    byte[] good = PeerCodec.encode(new PeerCodec.Forward(1, 2, new Op.SetData("/a", new byte[10], 1),
        io.baton.core.auth.Caller.ANONYMOUS));
    Random random = new Random(5);
    for (int i = 0; i < 2_000; i++) {
      byte[] bad = good.clone();
      int cut = random.nextInt(bad.length);
      byte[] truncated = java.util.Arrays.copyOf(bad, cut == 0 ? 1 : cut);
      bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
      for (byte[] b : List.of(bad, truncated)) {
        try {
          PeerCodec.decode(b);
        } catch (MalformedMessageException expected) {
          // refused cleanly
        }
      }
    }
  }

  @Test
  void clusterFilesAreParsedAndBadOnesRefused() throws Exception {
    ClusterConfig c = ClusterConfig.parse("server.2=127.0.0.1:7102:7182:2182\nserver.1=localhost:7101:7181\n"
        + "raft.tickMs=50\ncluster.secret=" + "0f".repeat(32) + "\n");
    assertThat(c.voters()).containsExactly(1L, 2L);
    assertThat(c.member(1).clientAddress()).isEqualTo("localhost:7181");
    assertThat(c.member(1).zkAddress()).as("no fourth field: no ZooKeeper port").isNull();
    assertThat(c.member(2).zkAddress()).isEqualTo("127.0.0.1:2182");
    assertThatThrownBy(() -> ClusterConfig.parse("server.1=h:1:2:3:4\n")).hasMessageContaining("[:zkPort]");
    assertThatThrownBy(() -> ClusterConfig.parse("server.1=h:1:2:0\n")).hasMessageContaining("out of range");
    assertThat(c.tickMs()).isEqualTo(50);
    assertThat(c.electionTicks()).isEqualTo(10);
    assertThatThrownBy(() -> ClusterConfig.parse("server.1=h:1\n")).hasMessageContaining("host:peerPort:clientPort");
    assertThatThrownBy(() -> ClusterConfig.parse("server.0=h:1:2\n")).hasMessageContaining("1..254");
    assertThatThrownBy(() -> ClusterConfig.parse("server.1=h:1:99999\n")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> ClusterConfig.parse("servers=3\n")).hasMessageContaining("unknown");
    assertThatThrownBy(() -> ClusterConfig.parse("")).hasMessageContaining("1 to 7");
  }
}
