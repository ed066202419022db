package io.baton.vertx.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.vertx.config.NodeConfigKeys;
import io.baton.vertx.launcher.JvmFlags;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as an operator meets it, in a child JVM: a typo in the configuration or a bad value
 * stops the node at start naming the key (exit 1), a bad flag prints the usage (exit 2), neither
 * with a stack trace; {@code --help} lists every option.
 */
class LauncherConfigTest {
  @TempDir
  Path dir;

  private record Run(int code, String output) {
  }

  private Run launch(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Dbaton.log.dir=" + dir.resolve("logs")));
    cmd.addAll(JvmFlags.ALL);
    cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "io.baton.vertx.launcher.Main", "--data-dir", dir.resolve("data").toString(),
        "--bridge-port", Integer.toString(ServerProcess.freePort()), "--zk-port", "-1"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    return new Run(p.exitValue(), output);
  }

  private Run withConfig(JsonObject config) throws Exception {
    Path file = dir.resolve("baton.json");
    Files.writeString(file, config.encode());
    return launch("--config", file.toString());
  }

  @Test
  void aMistypedKeyOrABadValueStopsTheNodeNamingTheKey() throws Exception {
    Run typo = withConfig(new JsonObject().put("durabilty", "none"));
    assertThat(typo.code()).isEqualTo(1);
    assertThat(typo.output()).contains("unknown configuration key 'durabilty' (did you mean 'durability'?)")
        .doesNotContain("\tat ", "Baton ready");
    Run badValue = withConfig(new JsonObject().put("bridgePlain", "false"));
    assertThat(badValue.code()).isEqualTo(1);
    assertThat(badValue.output()).contains("bridgePlain must be true or false, was 'false'").doesNotContain("\tat ");
    assertThat(Files.exists(dir.resolve("data"))).as("nothing was created").isFalse();
  }

  @Test
  void aBadFlagPrintsTheUsageAndHelpListsEveryOption() throws Exception {
    Run unknown = launch("--frob");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.output()).contains("Error: unknown argument --frob", "usage:").doesNotContain("\tat ");
    Run notANumber = launch("--node-id", "one");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.output()).contains("Error: --node-id must be a number, was 'one'");
    Run missing = launch("--config", dir.resolve("absent.json").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.output()).contains("Error: cannot read --config").doesNotContain("\tat ");
    Run help = launch("--help");
    assertThat(help.code()).isZero();
    assertThat(help.output()).contains("--config", "--data-dir", "--bridge-port", "--bridge-host", "--bridge-tls-port",
        "--durability", "--address", "--cluster", "--node-id");
  }

  @Test
  void everyKeyIsCheckedByType() {
    NodeConfigKeys.check(new JsonObject().put("dataDir", "d").put("durability", "always").put("maxDataBytes", 1024)
        .put("superUsers", new JsonArray().add("x509:CN=admin")).put("bridgeTls", new JsonObject()));
    for (JsonObject bad : List.of(new JsonObject().put("durability", "sometimes"),
        new JsonObject().put("maxDataBytes", 1.5), new JsonObject().put("nodeId", 0),
        new JsonObject().put("bridgePort", 70_000), new JsonObject().put("superUsers", new JsonArray().add("nocolon")),
        new JsonObject().put("bridgeTls", "on"), new JsonObject().put("tickMs", "20"))) {
      assertThatThrownBy(() -> NodeConfigKeys.check(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.fieldNames().iterator().next());
    }
  }

  @Test
  void readmeDocumentsEveryKey() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String table = readme.substring(readme.indexOf("## Configuration (verticle config"), readme.indexOf("## Semantics"));
    for (String key : NodeConfigKeys.keys()) {
      assertThat(table).as("README's configuration table").contains("`" + key + "`");
    }
  }
}
