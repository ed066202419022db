package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper's four-letter words on the ZooKeeper port, from a raw socket as {@code echo ruok | nc}
 * sends them: a text answer, then the connection closed; a word outside the whitelist gets ZooKeeper's
 * refusal; other clients are served throughout.
 */
class ZkFourLetterWordsTest {
  @TempDir
  Path dir;

  /** Sends {@code word} (and a newline, as nc does) and reads the answer until the node closes. */
  private static String ask(int port, String word) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write((word + "\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out); // ends when the node closes the connection
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyServedWordAnswersInTextAndCloses() throws Exception {
    ZooKeeperPortOptions all = new ZooKeeperPortOptions(ZooKeeperPortOptions.whitelist("*"), () -> "standalone",
        Map.of("dataDir", "/var/lib/baton"));
    try (ZkNode node = ZkNode.start(dir, c -> c, all)) {
      ZooKeeper zk = node.client();
      try {
        zk.create("/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        zk.exists("/a", true);
        zk.getChildren("/", true);
        int port = node.zkPort;
        assertThat(ask(port, "ruok")).isEqualTo("imok");
        assertThat(ask(port, "isro")).isEqualTo("rw");
        assertThat(ask(port, "srvr")).startsWith("Zookeeper version: 3.9.5-")
            .as("the word's own connection counts, as in ZooKeeper").contains("Connections: 2\n", "Mode: standalone\n", "Node count: 5\n",
                "Zxid: 0x" + Long.toHexString(zk.exists("/a", false).getMzxid()));
        assertThat(ask(port, "stat")).contains("Clients:\n /127.0.0.1:", "(queued=0,recved=", "Mode: standalone\n");
        assertThat(ask(port, "mntr")).contains("zk_version\t3.9.5-", "zk_server_state\tstandalone\n",
            "zk_znode_count\t5\n", "zk_watch_count\t2\n", "zk_num_alive_connections\t2\n");
        assertThat(ask(port, "envi")).startsWith("Environment:\n").contains("zookeeper.version=3.9.5-",
            "java.version=" + System.getProperty("java.version"));
        assertThat(ask(port, "conf")).isEqualTo("clientPort=" + port + "\ndataDir=/var/lib/baton\n");
        assertThat(ask(port, "cons")).contains(" /127.0.0.1:", ",sid=0x" + Long.toHexString(zk.getSessionId()),
            ",to=10000");
        assertThat(ask(port, "wchs")).isEqualTo("1 connections watching 2 paths\nTotal watches:2\n");
        assertThat(ask(port, "dump")).as("* is every word Baton serves")
            .isEqualTo("dump is not executed because it is not in the whitelist.\n");
        // the client's session went on meanwhile
        assertThat(zk.getChildren("/", false)).contains("a", "zookeeper");
      } finally {
        zk.close();
      }
    }
  }

  @Test
  void aWordOutsideTheWhitelistIsRefusedAsZooKeeperDoes() throws Exception {
    try (ZkNode node = ZkNode.start(dir)) {
      int port = node.zkPort;
      assertThat(ask(port, "srvr")).as("ZooKeeper's default whitelist").contains("Mode: standalone");
      for (String word : new String[] {"ruok", "stat", "mntr", "envi", "cons", "dump"}) {
        assertThat(ask(port, word)).isEqualTo(word + " is not executed because it is not in the whitelist.\n");
      }
      // four bytes that are no word ZooKeeper knows are a length out of range: closed without a word
      assertThat(ask(port, "abcd")).isEmpty();
      ZooKeeper zk = node.client();
      try {
        assertThat(zk.exists("/zookeeper", false)).isNotNull();
      } finally {
        zk.close();
      }
    }
  }

  @Test
  void whitelistsParseAsZooKeepersAndRefuseTypos() {
    assertThat(ZooKeeperPortOptions.whitelist("srvr, ruok ,mntr")).containsExactlyInAnyOrder("srvr", "ruok", "mntr");
    assertThat(ZooKeeperPortOptions.whitelist("*")).contains("ruok", "srvr", "stat", "mntr", "isro", "envi", "conf",
        "cons", "wchs");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZooKeeperPortOptions.whitelist("ruok,rouk"))
        .hasMessageContaining("'rouk'");
  }
}
