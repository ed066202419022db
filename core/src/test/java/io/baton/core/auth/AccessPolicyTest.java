package io.baton.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.error.BatonException;
import io.baton.core.error.Codes;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.txn.Command;
import io.baton.core.txn.Op;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private static final Identity ROOT = DigestCredentials.identity("super:superpw");
  private final AccessPolicy open = new AccessPolicy(new AuthConfig(false, Set.of(ROOT)));
  private final AccessPolicy enforced = new AccessPolicy(new AuthConfig(true, Set.of(ROOT)));
  private final Caller alice = new Caller(Set.of(DigestCredentials.identity("alice:pw")));
  private final Caller root = new Caller(Set.of(ROOT, new Identity("ip", "127.0.0.1")));
  private final Caller fromAddress = new Caller(Set.of(new Identity("ip", "10.0.0.1")));

  @Test
  void digestsAreZooKeepers() {
    // sha1("super:superpw") in base64, as `openssl dgst -sha1 -binary | base64` gives it
    assertThat(DigestCredentials.digest("super:superpw")).isEqualTo("super:g9oN2HttPfn8MMWJZ2r45Np/LIA=");
    assertThat(Codes.of(() -> DigestCredentials.digest("nocolon"))).isEqualTo(ErrorCode.AUTH_FAILED);
  }

  @Test
  void onlySuperWritesTheRecipeTreeAndTheQuotas() {
    for (Command c : List.of(
        new Op.Delete("/baton/locks/m/lock-0000000001", -1),
        new Op.SetData("/baton/locks/ledger", new byte[0], -1),
        new Op.Create("/baton", new byte[0], CreateMode.PERSISTENT, 0, false),
        new Op.Create("/baton/x/y", new byte[0], CreateMode.PERSISTENT, 0, true),
        new Command.Multi(List.of(new Op.Check("/", -1), new Op.Delete("/baton/queues/q/item-1", -1))),
        // quotas are set under /zookeeper: only super identities may
        new Op.Create("/zookeeper/quota/app/zookeeper_limits", "countHardLimit=1".getBytes(),
            CreateMode.PERSISTENT, 0, true),
        new Op.SetData("/zookeeper/quota/app/zookeeper_limits", new byte[0], -1),
        new Op.Delete("/zookeeper/quota/app/zookeeper_limits", -1))) {
      assertThat(Codes.of(() -> open.checkWrite(alice, c))).as("%s", c).isEqualTo(ErrorCode.NO_AUTH);
      assertThat(Codes.of(() -> open.checkWrite(Caller.ANONYMOUS, c))).as("%s", c).isEqualTo(ErrorCode.NO_AUTH);
      assertThatCode(() -> open.checkWrite(root, c)).doesNotThrowAnyException();
    }
    for (Command c : List.of(new Op.Create("/batons", new byte[0], CreateMode.PERSISTENT, 0, false),
        new Op.Check("/baton/locks/m", -1), new Op.Delete("/app/baton", -1),
        new Op.Create("/zookeepers", new byte[0], CreateMode.PERSISTENT, 0, false))) {
      assertThatCode(() -> open.checkWrite(alice, c)).as("%s", c).doesNotThrowAnyException();
    }
  }

  @Test
  void enforcedAuthenticationRefusesTheAnonymousAndKeepsAdminForSuper() {
    assertThatCode(() -> open.checkAuthenticated(Caller.ANONYMOUS, "getData")).doesNotThrowAnyException();
    assertThatCode(() -> open.checkAdmin(alice, "snapshot")).doesNotThrowAnyException();
    assertThat(Codes.of(() -> enforced.checkAuthenticated(Caller.ANONYMOUS, "getData")))
        .isEqualTo(ErrorCode.SESSION_CLOSED_REQUIRE_AUTH);
    assertThat(Codes.of(() -> enforced.checkAuthenticated(fromAddress, "getData")))
        .isEqualTo(ErrorCode.SESSION_CLOSED_REQUIRE_AUTH); // an address is not an authentication
    assertThatCode(() -> enforced.checkAuthenticated(alice, "getData")).doesNotThrowAnyException();
    assertThat(Codes.of(() -> enforced.checkAdmin(alice, "snapshot"))).isEqualTo(ErrorCode.NO_AUTH);
    assertThatCode(() -> enforced.checkAdmin(root, "snapshot")).doesNotThrowAnyException();
  }

  @Test
  void sessionIdentitiesJoinTheConnectionsAndEndWithTheSession() {
    SessionIdentities ids = new SessionIdentities();
    Identity ip = new Identity("ip", "127.0.0.1");
    assertThat(ids.authenticate(7, "digest", "alice:pw")).isEqualTo(DigestCredentials.identity("alice:pw"));
    assertThat(ids.caller(7, Set.of(ip)).identities()).containsExactlyInAnyOrder(ip,
        DigestCredentials.identity("alice:pw"));
    assertThat(ids.caller(8, Set.of(ip)).identities()).containsExactly(ip);
    assertThat(Codes.of(() -> ids.authenticate(7, "sasl", "x"))).isEqualTo(ErrorCode.AUTH_FAILED);
    ids.remove(7);
    assertThat(ids.caller(7, Set.of()).identities()).isEmpty();
    // bounded: a client cannot make its session hold identities without end, nor send huge credentials
    for (int i = 0; i < SessionIdentities.MAX_PER_SESSION; i++) {
      ids.authenticate(9, "digest", "user" + i + ":pw");
    }
    assertThat(Codes.of(() -> ids.authenticate(9, "digest", "one-more:pw"))).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    ids.authenticate(9, "digest", "user0:pw"); // one it holds already is fine
    assertThat(Codes.of(() -> ids.authenticate(10, "digest", "u:" + "p".repeat(SessionIdentities.MAX_CREDENTIALS))))
        .isEqualTo(ErrorCode.AUTH_FAILED);
    assertThatThrownBy(() -> Identity.parse("nocolon")).isInstanceOf(BatonException.class);
    assertThat(Identity.parse("x509:CN=a,O=b")).isEqualTo(new Identity("x509", "CN=a,O=b"));
  }
}
