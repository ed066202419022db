package io.baton.core.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.auth.Caller;
import io.baton.core.auth.DigestCredentials;
import io.baton.core.auth.Identity;
import io.baton.core.error.Codes;
import io.baton.core.error.ErrorCode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AclTest {
  private static final Identity ALICE = DigestCredentials.identity("alice:pw");
  private static final Identity HOST = new Identity("ip", "10.1.2.3");
  private final Caller alice = new Caller(Set.of(ALICE, new Identity("ip", "127.0.0.1")));
  private final Caller fromHost = new Caller(Set.of(HOST));

  @Test
  void permsAreZooKeepersBits() {
    assertThat(Perms.parse("cdrwa")).isEqualTo(31);
    assertThat(Perms.parse("r")).isEqualTo(1);
    assertThat(Perms.format(Perms.READ | Perms.ADMIN)).isEqualTo("ra");
    assertThat(Codes.of(() -> Perms.parse("rx"))).isEqualTo(ErrorCode.INVALID_ACL);
  }

  @Test
  void authStandsForTheCallersIdentitiesAndBadEntriesAreInvalid() {
    List<Acl> resolved = AclLists.resolve(List.of(new Acl(Perms.ALL, new Identity("auth", "")),
        new Acl(Perms.READ, new Identity("world", "anyone"))), alice);
    assertThat(resolved).containsExactly(new Acl(Perms.ALL, ALICE), new Acl(Perms.READ, new Identity("world", "anyone")));
    for (List<Acl> bad : List.of(List.<Acl>of(),
        List.of(new Acl(Perms.ALL, new Identity("auth", ""))), // anonymous: nothing to stand for
        List.of(new Acl(Perms.ALL, new Identity("world", "someone"))),
        List.of(new Acl(Perms.ALL, new Identity("sasl", "x"))),
        List.of(new Acl(Perms.ALL, new Identity("digest", "nohash"))),
        List.of(new Acl(Perms.ALL, new Identity("ip", "10.0.0.0/33"))),
        List.of(new Acl(Perms.ALL, new Identity("ip", "example.com"))),
        List.of(new Acl(0, new Identity("world", "anyone"))),
        List.of(new Acl(64, new Identity("world", "anyone"))))) {
      assertThat(Codes.of(() -> AclLists.resolve(bad, Caller.ANONYMOUS))).as("%s", bad).isEqualTo(ErrorCode.INVALID_ACL);
    }
  }

  @Test
  void aPermissionIsGrantedByWorldByIdentityOrByAddressRange() {
    List<Acl> acl = List.of(new Acl(Perms.READ, new Identity("world", "anyone")), new Acl(Perms.ALL, ALICE),
        new Acl(Perms.WRITE, new Identity("ip", "10.1.0.0/16")));
    assertThat(AclCheck.permits(acl, Perms.READ, Caller.ANONYMOUS)).isTrue();
    assertThat(AclCheck.permits(acl, Perms.WRITE, Caller.ANONYMOUS)).isFalse();
    assertThat(AclCheck.permits(acl, Perms.DELETE, alice)).isTrue();
    assertThat(AclCheck.permits(acl, Perms.WRITE, fromHost)).isTrue();
    assertThat(AclCheck.permits(acl, Perms.DELETE, fromHost)).isFalse();
    assertThat(AclCheck.permits(acl, Perms.WRITE, new Caller(Set.of(new Identity("ip", "10.2.0.1"))))).isFalse();
    assertThat(AclCheck.permits(List.of(new Acl(Perms.ALL, new Identity("ip", "fd00::/8"))), Perms.READ,
        new Caller(Set.of(new Identity("ip", "fd12::1"))))).isTrue();
    // the same id under another scheme is not the same identity
    assertThat(AclCheck.permits(List.of(new Acl(Perms.ALL, new Identity("x509", ALICE.id()))), Perms.READ, alice))
        .isFalse();
  }

  @Test
  void identicalAclsAreStoredOnceAndFreedWithTheirLastNode() {
    AclTable t = new AclTable();
    List<Acl> a = List.of(new Acl(Perms.ALL, ALICE));
    int i = t.acquire(a);
    assertThat(t.acquire(List.copyOf(a))).isEqualTo(i);
    assertThat(t.size()).isEqualTo(2);
    t.release(i);
    assertThat(t.get(i)).isEqualTo(a);
    t.release(i);
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.acquire(List.of(new Acl(Perms.READ, HOST)))).isEqualTo(i); // the slot is reused
    assertThat(t.get(AclTable.OPEN)).containsExactly(Acl.OPEN);
  }
}
