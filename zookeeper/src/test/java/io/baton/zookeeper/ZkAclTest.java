package io.baton.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.auth.DigestCredentials;
import java.nio.file.Path;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACLs, digest authentication and whoAmI through the official client; core's ClientAuth decides. */
class ZkAclTest {
  private static final String ALICE = "alice:secret";

  @TempDir
  Path dir;
  ZkNode node;
  ZooKeeper alice;
  ZooKeeper anonymous;

  @BeforeEach
  void start() throws Exception {
    node = ZkNode.start(dir);
    alice = node.client();
    alice.addAuthInfo("digest", ALICE.getBytes());
    anonymous = node.client();
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    anonymous.close();
    node.close();
  }

  @Test
  void aNodeOfAliceIsHersAlone() throws Exception {
    List<ACL> mine = ZooDefs.Ids.CREATOR_ALL_ACL;
    alice.create("/private", "s".getBytes(), mine, CreateMode.PERSISTENT);
    assertThat(alice.getData("/private", false, null)).isEqualTo("s".getBytes());

    Stat stat = new Stat();
    List<ACL> acl = alice.getACL("/private", stat);
    assertThat(acl).containsExactly(new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestCredentials.digest(ALICE))));

    assertThatThrownBy(() -> anonymous.getData("/private", false, null))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.setData("/private", new byte[0], -1))
        .isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.create("/private/c", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.PERSISTENT)).isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.setACL("/private", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1))
        .isInstanceOf(KeeperException.NoAuthException.class);

    assertThatThrownBy(() -> alice.setACL("/private", ZooDefs.Ids.OPEN_ACL_UNSAFE, 3))
        .isInstanceOf(KeeperException.BadVersionException.class);
    Stat after = alice.setACL("/private", ZooDefs.Ids.READ_ACL_UNSAFE, stat.getAversion());
    assertThat(after.getAversion()).isEqualTo(stat.getAversion() + 1);
    assertThat(anonymous.getData("/private", false, null)).isEqualTo("s".getBytes());
    // read-only for everyone now: alice may no longer change the ACL
    assertThatThrownBy(() -> alice.setACL("/private", ZooDefs.Ids.OPEN_ACL_UNSAFE, -1))
        .isInstanceOf(KeeperException.NoAuthException.class);
  }

  @Test
  void anAuthAclWithoutIdentitiesAndABadSchemeAreInvalid() throws Exception {
    assertThatThrownBy(() -> anonymous.create("/x", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.InvalidACLException.class);
    assertThatThrownBy(() -> anonymous.create("/x", new byte[0],
        new java.util.ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL, new Id("nosuch", "x")))), CreateMode.PERSISTENT))
        .isInstanceOf(KeeperException.InvalidACLException.class);
  }

  @Test
  void whoAmIListsTheAddressAndTheDigestUser() throws Exception {
    List<ClientInfo> infos = alice.whoAmI();
    assertThat(infos).extracting(ClientInfo::getAuthScheme, ClientInfo::getUser)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ip", "127.0.0.1"),
            org.assertj.core.groups.Tuple.tuple("digest", "alice"));
    assertThat(anonymous.whoAmI()).extracting(ClientInfo::getAuthScheme).containsExactly("ip");
  }

  @Test
  void anUnknownSchemeFailsAuthenticationAndTheClientIsToldAuthFailed() throws Exception {
    Events events = new Events();
    ZooKeeper client = node.client(10_000, events);
    try {
      client.addAuthInfo("kerberos-please", "x".getBytes());
      Watcher.Event.KeeperState state = events.nextState(10);
      while (state == Watcher.Event.KeeperState.SyncConnected) {
        state = events.nextState(10);
      }
      assertThat(state).isEqualTo(Watcher.Event.KeeperState.AuthFailed);
      assertThatThrownBy(() -> client.exists("/", false)).isInstanceOf(KeeperException.AuthFailedException.class);
    } finally {
      client.close();
    }
    assertThat(anonymous.exists("/", false)).isNotNull();
  }
}
