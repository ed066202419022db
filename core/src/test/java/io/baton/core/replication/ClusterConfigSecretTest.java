package io.baton.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster secret: required, hex, at least 32 bytes, inline or in a file next to the cluster file. */
class ClusterConfigSecretTest {
  private static final String SERVERS = "server.1=127.0.0.1:7101:7181\nserver.2=127.0.0.1:7102:7182\n";
  private static final String HEX = "3a".repeat(32);

  @TempDir
  Path dir;

  @Test
  void aClusterWithoutASecretIsRefusedWithHowToMakeOne() {
    assertThatThrownBy(() -> ClusterConfig.parse(SERVERS))
        .hasMessageContaining("cluster.secret").hasMessageContaining("openssl rand -hex 32");
  }

  @Test
  void aShortOrNonHexSecretIsRefused() {
    assertThatThrownBy(() -> ClusterConfig.parse(SERVERS + "cluster.secret=" + "ab".repeat(31) + "\n"))
        .hasMessageContaining("31 bytes").hasMessageContaining("at least 32");
    assertThatThrownBy(() -> ClusterConfig.parse(SERVERS + "cluster.secret=" + "zz".repeat(32) + "\n"))
        .hasMessageContaining("not hex");
    assertThatThrownBy(() -> ClusterConfig.parse(SERVERS + "cluster.secret=\n")).hasMessageContaining("0 bytes");
    assertThatThrownBy(() -> ClusterConfig.parse(SERVERS + "cluster.secret=" + HEX + "\ncluster.secretFile=s\n"))
        .hasMessageContaining("one of");
  }

  @Test
  void theSecretIsReadInlineOrFromAFileRelativeToTheClusterFile() throws Exception {
    ClusterSecret inline = ClusterConfig.parse(SERVERS + "cluster.secret=" + HEX + "\n").secret();
    Files.writeString(dir.resolve("secret.hex"), HEX + "\n");
    Path file = dir.resolve("cluster.cfg");
    Files.writeString(file, SERVERS + "cluster.secretFile=secret.hex\n");
    ClusterSecret fromFile = ClusterConfig.read(file).secret();
    byte[] nonce = new byte[ClusterSecret.PROOF_BYTES];
    assertThat(fromFile.prove(nonce, 1, 2)).isEqualTo(inline.prove(nonce, 1, 2));
    assertThat(fromFile.toString()).doesNotContain(HEX);

    Files.writeString(file, SERVERS + "cluster.secretFile=missing.hex\n");
    assertThatThrownBy(() -> ClusterConfig.read(file)).hasMessageContaining("cannot read")
        .hasMessageContaining("missing.hex");
  }

  @Test
  void aProofIsBoundToTheKeyTheNonceAndBothIds() {
    ClusterSecret secret = ClusterSecret.fromHex(HEX);
    byte[] nonce = new byte[ClusterSecret.PROOF_BYTES];
    byte[] proof = secret.prove(nonce, 1, 2);
    assertThat(secret.verifies(proof, nonce, 1, 2)).isTrue();
    assertThat(secret.verifies(proof, nonce, 2, 1)).isFalse();
    assertThat(secret.verifies(proof, nonce, 3, 2)).isFalse();
    byte[] other = nonce.clone();
    other[0] = 1;
    assertThat(secret.verifies(proof, other, 1, 2)).isFalse();
    assertThat(ClusterSecret.fromHex("3b".repeat(32)).verifies(proof, nonce, 1, 2)).isFalse();
  }
}
