package io.baton.vertx;

import static io.baton.vertx.TestSupport.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.cli.BatonCli;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** BatonCli against an in-process node started by {@link Main}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {
  @TempDir
  static Path dataDir;

  private Vertx server;
  private int port;
  private CoordinationClient client;

  @BeforeAll
  void start() throws Exception {
    server = Vertx.vertx();
    port = await(Main.start(server, TestSupport.config(dataDir, "none").put("bridgePort", TestSupport.freePort())));
    client = await(CoordinationClient.connect(server, ClientOptions.defaults()));
  }

  @AfterAll
  void stop() throws Exception {
    await(server.close());
  }

  private record Result(int code, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  private Result cli(String... args) {
    List<String> all = new ArrayList<>(List.of("--server", "127.0.0.1:" + port));
    all.addAll(List.of(args));
    return runRaw(all.toArray(String[]::new));
  }

  private static Result runRaw(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BatonCli.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Result(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void createGetSetListStatDelete() {
    assertThat(cli("create", "/cfg", "hello world")).isEqualTo(new Result(0, "Created /cfg\n", ""));
    assertThat(cli("get", "/cfg").out()).isEqualTo("hello world\n");
    assertThat(cli("set", "/cfg", "v2", "-v", "0").code()).isZero();
    assertThat(cli("set", "-v", "1", "/cfg", "v3").code()).isZero();

    Result get = cli("get", "-s", "/cfg");
    assertThat(get.code()).isZero();
    assertThat(get.lines().get(0)).isEqualTo("v3");
    assertThat(get.lines()).contains("dataVersion = 2", "dataLength = 2", "numChildren = 0",
        "ephemeralOwner = 0x0");

    assertThat(cli("create", "-p", "/cfg/a/b", "x").out()).isEqualTo("Created /cfg/a/b\n");
    assertThat(cli("create", "/cfg/c").code()).isZero();
    assertThat(cli("ls", "/cfg").out()).isEqualTo("[a, c]\n");
    Result ls = cli("ls", "-s", "/cfg");
    assertThat(ls.lines().get(0)).isEqualTo("[a, c]");
    assertThat(ls.lines()).contains("numChildren = 2", "cversion = 2");
    assertThat(cli("stat", "/cfg/a/b").lines()).hasSize(11).contains("dataLength = 1");

    assertThat(cli("delete", "/cfg/a/b").code()).isZero();
    assertThat(cli("delete", "-v", "0", "/cfg/a").code()).isZero();
    assertThat(cli("ls", "/cfg").out()).isEqualTo("[c]\n");
  }

  @Test
  void createModes() throws Exception {
    assertThat(cli("create", "/modes").code()).isZero();
    assertThat(cli("create", "-s", "/modes/seq-", "1").out()).isEqualTo("Created /modes/seq-0000000000\n");
    assertThat(cli("create", "-s", "/modes/seq-").out()).isEqualTo("Created /modes/seq-0000000001\n");
    // an ephemeral lives as long as the CLI's session: gone once the command returns
    assertThat(cli("create", "-e", "/modes/eph").out()).isEqualTo("Created /modes/eph\n");
    assertThat(await(client.exists("/modes/eph", false))).isNull();
    assertThat(cli("create", "-c", "/modes/box").code()).isZero();
    assertThat(cli("create", "-t", "60000", "/modes/ttl", "t").code()).isZero();
    assertThat(cli("ls", "/modes").out()).isEqualTo("[box, seq-0000000000, seq-0000000001, ttl]\n");
    assertThat(cli("stat", "/modes/box").lines()).as("no marker in a stat, as in ZooKeeper")
        .contains("ephemeralOwner = 0x0");
  }

  @Test
  void aclsAreSetAndReadAsZkCliWritesThemWithADigestIdentityFromAFile() throws Exception {
    Path credentials = dataDir.resolve("alice.auth");
    java.nio.file.Files.writeString(credentials, "alice:pw\n");
    String alice = "digest:" + io.baton.core.auth.DigestCredentials.digest("alice:pw");
    assertThat(cli("create", "/private", "secret").code()).isZero();
    assertThat(cli("getAcl", "/private").out()).isEqualTo("world:anyone:cdrwa\n");
    assertThat(cli("setAcl", "/private", alice + ":cdrwa", "world:anyone:r").out()).isEqualTo("aclVersion = 1\n");
    assertThat(cli("getAcl", "/private").lines()).as("the hash masked without ADMIN, as in ZooKeeper")
        .containsExactly("digest:alice:x:cdrwa", "world:anyone:r");
    assertThat(cli("--auth-file", credentials.toString(), "getAcl", "/private").lines())
        .containsExactly(alice + ":cdrwa", "world:anyone:r");
    assertThat(cli("set", "/private", "x")).isEqualTo(new Result(1, "", "Error NoAuth (-102): the ACL of /private"
        + " does not grant w to [ip:127.0.0.1]\n"));
    assertThat(cli("--auth-file", credentials.toString(), "set", "/private", "x").code()).isZero();
    assertThat(cli("setAcl", "-v", "0", "/private", "world:anyone:r").err()).startsWith("Error ");
    assertThat(cli("setAcl", "/private", "nonsense").err()).startsWith("Error InvalidAcl (-114)");
  }

  @Test
  void errorsPrintNameCodeAndMessage() {
    assertThat(cli("get", "/missing")).isEqualTo(new Result(1, "", "Error NoNode (-101): /missing\n"));
    assertThat(cli("stat", "/missing").err()).isEqualTo("Error NoNode (-101): /missing\n");
    assertThat(cli("create", "/dup").code()).isZero();
    Result exists = cli("create", "/dup");
    assertThat(exists.code()).isEqualTo(1);
    assertThat(exists.err()).isEqualTo("Error NodeExists (-110): /dup\n");
    Result badVersion = cli("set", "/dup", "x", "-v", "5");
    assertThat(badVersion.code()).isEqualTo(1);
    assertThat(badVersion.err()).startsWith("Error BadVersion (-103): /dup");
    assertThat(cli("delete", "-v", "3", "/dup").err()).startsWith("Error BadVersion (-103)");
    assertThat(cli("ls", "relative").err()).startsWith("Error InvalidPath (-201)");
    assertThat(cli("create", "/dup/x/y").err()).isEqualTo("Error NoNode (-101): /dup/x\n");
    assertThat(cli("create", "-t", "0", "/ttl0").err()).startsWith("Error BadArguments (-8)");
  }

  @Test
  void usageErrorsExitWithTwo() {
    for (String[] args : List.of(new String[] {"--frob"}, new String[] {"frob"}, new String[] {"get"},
        new String[] {"ls", "-R", "-x", "/"}, new String[] {"--server", ",", "info"},
        new String[] {"get", "/a", "/b"}, new String[] {"set", "/a"}, new String[] {"ls", "-x", "/"},
        new String[] {"delete", "-v", "one", "/a"}, new String[] {"create", "-e", "-c", "/a"},
        new String[] {"info", "extra"}, new String[] {"--server", "nohostport", "info"},
        new String[] {"--count"})) {
      Result r = runRaw(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).startsWith("Error: ").contains("usage: baton-cli");
    }
    assertThat(runRaw("--help").code()).isZero();
    Result help = runRaw("help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("usage: baton-cli", "deleteall", "cluster", "health", "--json");
  }

  private Result shell(String input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BatonCli.run(new String[] {"--server", "127.0.0.1:" + port},
        new java.io.ByteArrayInputStream(input.getBytes(UTF_8)), false, new PrintStream(out, true, UTF_8),
        new PrintStream(err, true, UTF_8));
    return new Result(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void withoutACommandItIsAShellThatKeepsItsSession() {
    Result r = shell("create -e /shell-eph 'two words'\nget /shell-eph\nfrob\nget /nothing\n\n"
        + "addauth digest alice:pw\nwhoami\nquit\nget /never-run\n");
    assertThat(r.lines()).containsExactly("Created /shell-eph", "two words", "digest:"
        + io.baton.core.auth.DigestCredentials.digest("alice:pw"), "ip:127.0.0.1");
    assertThat(r.err()).contains("Error: unknown command 'frob'", "Error NoNode (-101): /nothing")
        .doesNotContain("never-run");
    assertThat(r.code()).isEqualTo(1);
    assertThat(shell("").code()).isZero();
  }

  @Test
  void deleteallAndARecursiveListing() {
    assertThat(cli("create", "-p", "/tree/a/b", "1").code()).isZero();
    assertThat(cli("create", "/tree/c").code()).isZero();
    assertThat(cli("ls", "-R", "/tree").lines()).containsExactly("/tree", "/tree/a", "/tree/c", "/tree/a/b");
    assertThat(cli("deleteall", "/tree")).isEqualTo(new Result(0, "", ""));
    assertThat(cli("stat", "/tree").err()).isEqualTo("Error NoNode (-101): /tree\n");
  }

  @Test
  void getWithWWaitsForOneChange() throws Exception {
    assertThat(cli("create", "/waited", "v1").code()).isZero();
    CompletableFuture<Result> r = CompletableFuture.supplyAsync(() -> cli("get", "-w", "/waited"));
    await().atMost(Duration.ofSeconds(10)).until(() -> await(client.request(new io.vertx.core.json.JsonObject()
        .put("op", "info"))).getInteger("watches") > 0);
    await(client.setData("/waited", "v2".getBytes(UTF_8), -1));
    Result done = r.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(done.code()).isZero();
    assertThat(done.lines()).hasSize(2);
    assertThat(done.lines().get(0)).isEqualTo("v1");
    assertThat(done.lines().get(1)).startsWith("WatchedEvent type:NodeDataChanged path:/waited zxid:0x");
  }

  @Test
  void syncWhoamiAndJsonOutput() {
    assertThat(cli("sync", "/")).isEqualTo(new Result(0, "Sync is OK\n", ""));
    assertThat(cli("whoami").out()).isEqualTo("ip:127.0.0.1\n");
    assertThat(cli("create", "/js", "{\"a\": 1}").code()).isZero();
    io.vertx.core.json.JsonObject got = new io.vertx.core.json.JsonObject(cli("--json", "get", "/js").out());
    assertThat(new String(java.util.Base64.getDecoder().decode(got.getString("data")), UTF_8)).isEqualTo("{\"a\": 1}");
    assertThat(got.getJsonObject("stat").getInteger("version")).isZero();
    io.vertx.core.json.JsonObject info = new io.vertx.core.json.JsonObject(cli("info", "--json").out());
    assertThat(info.getString("role")).isEqualTo("standalone");
  }

  @Test
  void readsOpenNoSessionAndAServerListFailsOver() throws Exception {
    String dead = "127.0.0.1:" + TestSupport.freePort();
    String live = "127.0.0.1:" + port;
    assertThat(cli("create", "/listed", "here").code()).isZero();
    long before = Long.decode(zxid());
    Result r = runRaw("--server", dead + "," + live, "get", "/listed");
    assertThat(r).isEqualTo(new Result(0, "here\n", ""));
    assertThat(runRaw("--server", dead + "," + live, "ls", "/").code()).isZero();
    // a session would have written an entry (open and close): reads and info write nothing
    assertThat(Long.decode(zxid())).isEqualTo(before);
  }

  private String zxid() {
    return cli("info").lines().stream().filter(l -> l.startsWith("zxid = ")).findFirst().orElseThrow()
        .substring("zxid = ".length());
  }

  @Test
  void clusterAndHealthShowEveryServerAndADownOne() throws Exception {
    String dead = "127.0.0.1:" + TestSupport.freePort();
    String live = "127.0.0.1:" + port;
    Result cluster = runRaw("--server", live + "," + dead, "cluster");
    assertThat(cluster.code()).isZero();
    assertThat(cluster.lines()).hasSize(3);
    assertThat(cluster.lines().get(1)).startsWith(live).contains("standalone");
    assertThat(cluster.lines().get(2)).startsWith(dead).contains("down: cannot reach");
    assertThat(runRaw("--server", live, "health")).isEqualTo(new Result(0, live + " healthy\n", ""));
    Result sick = runRaw("--server", live + "," + dead, "health");
    assertThat(sick.code()).isEqualTo(1);
    assertThat(sick.lines().get(1)).startsWith(dead + " unhealthy: unreachable");
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(runRaw("--server", live + "," + dead,
        "--json", "health").out());
    assertThat(json.getBoolean("healthy")).isFalse();
  }

  @Test
  void unreachableServerFails() throws Exception {
    Result r = runRaw("--server", "127.0.0.1:" + TestSupport.freePort(), "info");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("Error SystemError (-1): cannot reach Baton bridge at 127.0.0.1:");
  }

  @Test
  void info() {
    Result r = cli("info");
    assertThat(r.code()).isZero();
    assertThat(r.lines()).contains("durability = none", "protocol = 1");
    assertThat(r.out()).contains("zxid = 0x", "nodes = ");
  }

  @Test
  void watchPrintsEventsUntilCount() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, UTF_8);
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> BatonCli.run(
        new String[] {"--server", "127.0.0.1:" + port, "watch", "/watched", "--count", "3"}, ps, ps));
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString(UTF_8).contains("Watching /watched"));
    await(client.create("/watched", null, CreateMode.PERSISTENT));
    await(client.create("/unwatched", null, CreateMode.PERSISTENT));
    await(client.create("/watched/a", null, CreateMode.PERSISTENT));
    await(client.setData("/watched/a", "x".getBytes(UTF_8), -1));
    assertThat(code.get(10, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    List<String> lines = out.toString(UTF_8).lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(1)).startsWith("WatchedEvent type:NodeCreated path:/watched zxid:0x");
    assertThat(lines.get(2)).startsWith("WatchedEvent type:NodeCreated path:/watched/a zxid:0x");
    assertThat(lines.get(3)).startsWith("WatchedEvent type:NodeDataChanged path:/watched/a zxid:0x");
  }

  @Test
  void watchEndsCleanlyWhenInterrupted() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, UTF_8);
    int[] code = {-1};
    Thread t = new Thread(() -> code[0] = BatonCli.run(
        new String[] {"--server", "127.0.0.1:" + port, "watch", "/"}, ps, ps));
    t.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString(UTF_8).contains("Watching /"));
    int sessionsWatching = await(client.request(new io.vertx.core.json.JsonObject().put("op", "digest")))
        .getInteger("sessions");
    t.interrupt();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(code[0]).isZero();
    // the CLI closed its session on the way out
    assertThat(await(client.request(new io.vertx.core.json.JsonObject().put("op", "digest")))
        .getInteger("sessions")).isEqualTo(sessionsWatching - 1);
  }
}
