package io.baton.vertx.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.cli.BatonCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore as docs/operations.md describes them, on real processes: a snapshot taken on a
 * live node with the CLI and copied out of its data directory is enough to start a new node in an
 * empty directory with the same tree (data, ACLs, quotas), which then takes writes.
 */
class BackupRestoreProcessTest {
  @TempDir
  Path tmp;

  private static String cli(int port, String... args) {
    List<String> all = new ArrayList<>(List.of("--server", "127.0.0.1:" + port));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BatonCli.run(all.toArray(String[]::new), new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
    assertThat(code).as("%s: %s", all, err.toString(UTF_8)).isZero();
    return out.toString(UTF_8).strip();
  }

  @Test
  void aSnapshotCopiedOutOfALiveNodeRestoresIntoANewDataDirectory() throws Exception {
    Path live = tmp.resolve("live");
    Path backup = tmp.resolve("backup");
    String snapshot;
    try (ServerProcess node = new ServerProcess(live, ServerProcess.freePort()).start()) {
      cli(node.port(), "create", "-p", "/orders/o-1", "paid");
      cli(node.port(), "setAcl", "/orders/o-1", "world:anyone:r");
      cli(node.port(), "create", "/orders/o-2", "open");
      snapshot = cli(node.port(), "snapshot");
      assertThat(snapshot).matches("snapshots/snapshot\\.[0-9a-f]{16}");
      // the backup is the snapshot file alone, copied while the node keeps running
      Files.createDirectories(backup);
      Files.copy(live.resolve(snapshot), backup.resolve(Path.of(snapshot).getFileName()));
      cli(node.port(), "create", "/orders/after-backup");
    }

    Path restored = tmp.resolve("restored");
    Files.createDirectories(restored.resolve("snapshots"));
    Files.copy(backup.resolve(Path.of(snapshot).getFileName()), restored.resolve(snapshot));
    try (ServerProcess node = new ServerProcess(restored, ServerProcess.freePort()).start()) {
      assertThat(cli(node.port(), "ls", "/orders")).isEqualTo("[o-1, o-2]");
      assertThat(cli(node.port(), "get", "/orders/o-1")).isEqualTo("paid");
      assertThat(cli(node.port(), "getAcl", "/orders/o-1")).isEqualTo("world:anyone:r");
      cli(node.port(), "create", "/orders/o-3", "new");
      assertThat(cli(node.port(), "ls", "/orders")).isEqualTo("[o-1, o-2, o-3]");
    }
    // and it restarts from its own log and snapshot like any node
    try (ServerProcess node = new ServerProcess(restored, ServerProcess.freePort()).start()) {
      assertThat(cli(node.port(), "ls", "/orders")).isEqualTo("[o-1, o-2, o-3]");
    }
  }
}
