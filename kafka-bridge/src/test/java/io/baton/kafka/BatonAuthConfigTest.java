package io.baton.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code baton.auth}: inline or from a file, exactly one of them, and the password never printed. */
class BatonAuthConfigTest {
  @TempDir
  Path dir;

  static BridgeConfig config(JsonObject auth) {
    return new BridgeConfig(new JsonObject().put("producer", new JsonObject().put("bootstrap.servers", "k:9092"))
        .put("baton", new JsonObject().put("host", "127.0.0.1").put("auth", auth)));
  }

  @Test
  void credentialsInlineOrFromAFile() throws Exception {
    BatonAuth inline = config(new JsonObject().put("credentials", "bridge:s3cret")).batonAuth();
    assertThat(inline).isEqualTo(new BatonAuth("digest", "bridge:s3cret"));
    Path file = dir.resolve("creds");
    Files.writeString(file, "  bridge:from-file\n");
    assertThat(config(new JsonObject().put("scheme", "digest").put("credentialsFile", file.toString())).batonAuth())
        .isEqualTo(new BatonAuth("digest", "bridge:from-file"));
    assertThat(new BridgeConfig(new JsonObject().put("producer", new JsonObject().put("bootstrap.servers", "k:9092")))
        .batonAuth()).isNull();
    assertThat(inline.toString()).isEqualTo("BatonAuth[digest:bridge]").doesNotContain("s3cret");
    assertThat(inline.user()).isEqualTo("digest:bridge");
  }

  @Test
  void exactlyOneSourceOfCredentials() {
    assertThatThrownBy(() -> config(new JsonObject())).hasMessageContaining("exactly one of credentials");
    assertThatThrownBy(() -> config(new JsonObject().put("credentials", "a:b").put("credentialsFile", "f")))
        .hasMessageContaining("exactly one of credentials");
    assertThatThrownBy(() -> config(new JsonObject().put("credentialsFile", dir.resolve("missing").toString())))
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> config(new JsonObject().put("credentials", ""))).hasMessageContaining("needs a scheme");
  }
}
