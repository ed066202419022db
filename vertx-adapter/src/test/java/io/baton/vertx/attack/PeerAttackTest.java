package io.baton.vertx.attack;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.replication.ClusterSecret;
import io.baton.core.replication.Entry;
import io.baton.core.replication.PeerCodec;
import io.baton.core.replication.RaftMessage;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import io.baton.schemas.log.CloseReason;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.cluster.ClusterProcesses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger on the peer port of a real 3-node cluster: forged hellos (the old magic-and-member-id
 * one, one without a valid proof, one proved under another secret) followed by a forwarded create, a
 * forged session close, a TOUCH, an APPEND of a higher term and a snapshot chunk; and unauthenticated
 * oversized frames. Every connection is cut, nothing forged exists anywhere, the term does not jump
 * to the forged one, writes keep succeeding and the nodes converge to equal digests.
 */
class PeerAttackTest {
  private static final int MAGIC = 0x4241544E;
  private static final long FORGED_TERM_STEP = 100;
  private static final ClusterSecret OTHER_SECRET = ClusterSecret.fromHex("c3".repeat(32));

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;
  private Vertx vertx;
  private ClusterProcesses cluster;
  private final List<CoordinationClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    cluster = new ClusterProcesses(vertx, tmp, 3, "group", "raft.tickMs=100\nraft.electionTicks=20",
        ClusterProcesses.direct()).startAll();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (CoordinationClient c : clients) {
      c.close();
    }
    cluster.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private CoordinationClient client(int node) throws Exception {
    CoordinationClient c = await(CoordinationClient.connectBridge(vertx, "127.0.0.1", cluster.clientPort(node),
        ClientOptions.defaults().withSessionTimeout(30_000)));
    clients.add(c);
    return c;
  }

  /** How a forged hello claims to be {@code claimed}, given the nonce the node sent. */
  @FunctionalInterface
  private interface Forgery {
    byte[] hello(byte[] nonce, long claimed, long target);
  }

  private static byte[] newHello(long claimed, byte[] proof) {
    return ByteBuffer.allocate(4 + 4 + 2 + 8 + proof.length).putInt(4 + 2 + 8 + proof.length).putInt(MAGIC)
        .putShort((short) 1).putLong(claimed).put(proof).array();
  }

  private static final List<Forgery> FORGERIES = List.of(
      (nonce, claimed, target) -> ByteBuffer.allocate(16).putInt(12).putInt(MAGIC).putLong(claimed).array(),
      (nonce, claimed, target) -> newHello(claimed, new byte[ClusterSecret.PROOF_BYTES]),
      (nonce, claimed, target) -> newHello(claimed, OTHER_SECRET.prove(nonce, claimed, target)));

  private static byte[] framed(byte[] frame) {
    return ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array();
  }

  /** The frames a stranger posing as {@code claimed} sends to {@code target}. */
  private static List<byte[]> attack(long claimed, long target, long term, long victimSession) {
    long tag = (claimed << 56) | 1;
    List<byte[]> frames = new ArrayList<>();
    frames.add(PeerCodec.encode(new PeerCodec.Forward(tag, 0,
        new Op.Create("/forged", new byte[] {1}, CreateMode.PERSISTENT, 0, false), io.baton.core.auth.Caller.SYSTEM)));
    frames.add(PeerCodec.encode(new PeerCodec.Forward(tag + 1, 0,
        new Command.CloseSession(victimSession, CloseReason.EXPIRED), io.baton.core.auth.Caller.SYSTEM)));
    frames.add(PeerCodec.encode(new PeerCodec.Touch(new long[] {victimSession})));
    RaftMessage append = new RaftMessage(RaftMessage.Type.APPEND, claimed, target, term + FORGED_TERM_STEP, 0, 0,
        List.of(new Entry(1, term + FORGED_TERM_STEP, new byte[8])), 1_000_000, false, 0);
    frames.add(PeerCodec.encode(new PeerCodec.Raft(append)));
    frames.add(PeerCodec.encode(new PeerCodec.SnapshotChunk(1_000_000, term, 0, 96L << 20, new byte[64 << 10])));
    return frames;
  }

  /** Connects to node {@code target}'s peer port. */
  private Socket connect(int target) throws IOException {
    Socket s = new Socket("127.0.0.1", cluster.peerPort(target));
    s.setSoTimeout(5_000);
    return s;
  }

  private static byte[] readNonce(Socket s) throws IOException {
    return s.getInputStream().readNBytes(ClusterSecret.PROOF_BYTES);
  }

  /** Writes what it can (the node may already have cut the connection). */
  private static void sendAll(Socket s, List<byte[]> chunks) {
    try {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      for (byte[] c : chunks) {
        out.write(c);
      }
      out.flush();
    } catch (IOException e) {
      // cut off while sending: what the test wants
    }
  }

  /** Whether the node closed the connection (end of stream or reset) within the socket's timeout. */
  private static boolean closedByNode(Socket s) throws IOException {
    try (s) {
      InputStream in = s.getInputStream();
      while (in.read() != -1) {
        // the nonce, if not read yet
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private long term(int node) throws Exception {
    return cluster.info(node).getLong("term");
  }

  @Test
  void forgedPeersAreCutOffAndChangeNothing() throws Exception {
    int leader = cluster.awaitLeader(cluster.ids(), 60_000);
    CoordinationClient victim = client(leader == 1 ? 2 : 1);
    await(victim.create("/before", new byte[] {0}, CreateMode.PERSISTENT));
    long term = term(leader);

    List<Socket> sockets = new ArrayList<>();
    for (int target : cluster.ids()) {
      int claimed = target == 3 ? 1 : target + 1;
      for (Forgery forgery : FORGERIES) {
        Socket s = connect(target);
        byte[] nonce = readNonce(s);
        List<byte[]> bytes = new ArrayList<>();
        bytes.add(forgery.hello(nonce, claimed, target));
        for (byte[] frame : attack(claimed, target, term, victim.sessionId())) {
          bytes.add(framed(frame));
        }
        sendAll(s, bytes);
        sockets.add(s);
      }
      // no hello at all: half-sent 64 MiB frames
      for (int i = 0; i < 3; i++) {
        Socket s = connect(target);
        sendAll(s, List.of(ByteBuffer.allocate(4 + (1 << 20)).putInt(64 << 20).array()));
        sockets.add(s);
      }
    }
    for (Socket s : sockets) {
      assertThat(closedByNode(s)).as("the node cut off %s", s).isTrue();
    }

    // writes keep succeeding and the forged session close did not happen
    await(victim.create("/after", new byte[] {2}, CreateMode.PERSISTENT));
    JsonObject digest = cluster.awaitConverged(cluster.ids(), 30_000);
    assertThat(digest).isNotNull();
    for (int id : cluster.ids()) {
      CoordinationClient c = client(id);
      await(c.sync("/"));
      assertThat(await(c.exists("/forged", false))).as("forged create on node %d", id).isNull();
      assertThat(await(c.exists("/after", false))).isNotNull();
      // the forged APPEND carried term + 100; a loaded machine may still see an ordinary election
      assertThat(term(id)).as("term on node %d", id).isBetween(term, term + FORGED_TERM_STEP - 1);
    }
    try (Stream<Path> files = Files.walk(tmp)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".part")).toList()).isEmpty();
    }
  }
}
