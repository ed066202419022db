package io.baton.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionSecretsTest {
  @TempDir
  Path dir;

  @Test
  void aLoneNodeKeepsItsKeyPrivateAndAcrossRestarts() throws Exception {
    SessionSecrets first = SessionSecrets.load(dir);
    Path file = dir.resolve(SessionSecrets.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    SessionSecrets again = SessionSecrets.load(dir);
    assertThat(again.secret(42)).isEqualTo(first.secret(42)).hasSize(SessionSecrets.BYTES);
    assertThat(SessionSecrets.load(Files.createDirectory(dir.resolve("other"))).secret(42))
        .isNotEqualTo(first.secret(42));
  }

  @Test
  void aSecretProvesOneSessionOnly() throws Exception {
    SessionSecrets s = SessionSecrets.of(new byte[32]);
    byte[] secret = s.secret(0x1a234a31b4b0000L);
    assertThat(s.proves(0x1a234a31b4b0000L, secret)).isTrue();
    assertThat(s.proves(0x1a234a31b4b0001L, secret)).isFalse();
    assertThat(s.proves(0x1a234a31b4b0000L, new byte[SessionSecrets.BYTES])).isFalse();
    assertThat(s.proves(0x1a234a31b4b0000L, java.util.Arrays.copyOf(secret, 8))).isFalse();
    assertThat(s.proves(0x1a234a31b4b0000L, null)).isFalse();
    assertThatThrownBy(() -> s.check(7, null)).isInstanceOf(BatonException.class)
        .satisfies(e -> assertThat(((BatonException) e).code()).isEqualTo(ErrorCode.AUTH_FAILED))
        .hasMessageContaining("no session secret");
    assertThat(SessionSecrets.of(new byte[32]).secret(5)).isEqualTo(s.secret(5)); // same key: every node agrees
  }

  @Test
  void aDamagedKeyFileIsReportedNotReplaced() throws Exception {
    Files.writeString(dir.resolve(SessionSecrets.FILE), "not hex");
    assertThatThrownBy(() -> SessionSecrets.load(dir)).hasMessageContaining("does not hold a session key");
  }
}
