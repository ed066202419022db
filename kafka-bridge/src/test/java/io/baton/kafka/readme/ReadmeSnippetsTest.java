package io.baton.kafka.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Recipes;
import io.baton.vertx.launcher.JvmFlags;
import io.baton.vertx.launcher.Main;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's Java snippets as a reader would paste them: every ```java block is compiled with the
 * README's own imports block; those that need no remote machine run, and what they do is checked.
 * A snippet added to README must be named here (a test fails until it is).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeSnippetsTest {
  /** How each snippet is exercised, by a text only it holds. */
  private enum Mode { CHILD_JVM, IN_PROCESS, COMPILE_ONLY, ELSEWHERE }

  private static final Map<String, Mode> SNIPPETS = Map.of(
      "CuratorFrameworkFactory", Mode.ELSEWHERE,                   // compiled and run by the zookeeper module's ReadmeExamplesTest
      "new CoordinatorVerticle()", Mode.CHILD_JVM,                 // embedding: a node of its own
      "10.0.0.1:7181", Mode.COMPILE_ONLY,                          // failover over three remote nodes
      "client.getData(\"/app/config\", true)", Mode.IN_PROCESS,    // watches, compare-and-set, multi
      "Recipes recipes = Recipes.of(client);", Mode.IN_PROCESS,    // every recipe
      "new KafkaBridgeVerticle()", Mode.COMPILE_ONLY);             // needs a Kafka broker at kafka:9092

  @TempDir
  static Path tmp;
  private String imports;
  private final List<String> snippets = new ArrayList<>();
  private Path classes;

  @BeforeAll
  void compileEverySnippet() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (m.find()) {
      if (m.group(1).startsWith("import ")) {
        imports = m.group(1);
      } else if (m.group(1).contains("CuratorFrameworkFactory")) {
        continue;
      } else {
        snippets.add(m.group(1));
      }
    }
    assertThat(imports).as("README's imports block").isNotNull();
    assertThat(snippets).hasSize(SNIPPETS.size() - 1);
    classes = Files.createDirectories(tmp.resolve("classes"));
    Path sources = Files.createDirectories(tmp.resolve("src"));
    List<File> files = new ArrayList<>();
    for (int i = 0; i < snippets.size(); i++) {
      String name = "Snippet" + i;
      Path file = sources.resolve(name + ".java");
      Files.writeString(file, imports + "\npublic class " + name + " extends " + ReadmeSnippet.class.getName() + " {\n"
          + "  @Override\n  public void run() throws Exception {\n" + snippets.get(i) + "  }\n\n"
          + "  public static void main(String[] args) throws Exception {\n    new " + name + "().run();\n  }\n}\n");
      files.add(file.toFile());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    var fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
    java.io.StringWriter errors = new java.io.StringWriter();
    boolean ok = javac.getTask(errors, fm, null, List.of("-classpath", classpath(), "-d", classes.toString(),
        "-proc:none"), null, fm.getJavaFileObjectsFromFiles(files)).call();
    assertThat(ok).as("README snippets compile:%n%s", errors).isTrue();
  }

  private static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private int index(String marker) {
    for (int i = 0; i < snippets.size(); i++) {
      if (snippets.get(i).contains(marker)) {
        return i;
      }
    }
    throw new AssertionError("no README snippet holds " + marker);
  }

  @Test
  void everySnippetIsNamedHere() {
    for (String snippet : snippets) {
      assertThat(SNIPPETS.keySet().stream().filter(snippet::contains).count()).as("README snippet:%n%s", snippet)
          .isEqualTo(1);
    }
  }

  @Test
  void theEmbeddingSnippetRunsANodeAndRegistersOnAFreshDataDirectory() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("embedding"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m"));
    cmd.addAll(JvmFlags.ALL);
    cmd.addAll(List.of("-cp", classpath() + File.pathSeparator + classes, "Snippet"
        + index("new CoordinatorVerticle()")));
    Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve("out.txt").toFile()).start();
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(work.resolve("out.txt"))
          .contains("registered as /services/api/instance-0000000000") || !p.isAlive());
      assertThat(Files.readString(work.resolve("out.txt"))).contains("registered as /services/api/instance-0000000000")
          .doesNotContain("could not register");
      assertThat(work.resolve("data")).isDirectory();
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theClientAndRecipeSnippetsDoWhatTheySay() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      await(Main.start(vertx, new JsonObject().put("dataDir", tmp.resolve("node").toString())
          .put("bridgePort", 0).put("adminPort", -1).put("minSessionTimeoutMs", 500)));
      CoordinationClient client = await(CoordinationClient.connect(vertx, ClientOptions.defaults()));
      await(client.create("/app", new byte[0], io.baton.core.tree.CreateMode.PERSISTENT));
      await(client.create("/app/config", "old".getBytes(), io.baton.core.tree.CreateMode.PERSISTENT));
      await(client.create("/app/audit", new byte[0], io.baton.core.tree.CreateMode.PERSISTENT));
      try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
          ReadmeSnippetsTest.class.getClassLoader())) {
        ReadmeSnippet watches = snippet(loader, "client.getData(\"/app/config\", true)", vertx, client);
        watches.run();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> new String(await(client.getData("/app/config", false))
            .data()).equals("new"));

        ReadmeSnippet recipes = snippet(loader, "Recipes recipes = Recipes.of(client);", vertx, client);
        recipes.run();
        Recipes check = Recipes.of(client);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          assertThat(await(check.config("payments").get()).getInteger("version")).isEqualTo(2);
          assertThat(await(check.config("payments").get()).getJsonObject("value").getInteger("timeoutMs"))
              .isEqualTo(500);
          assertThat(recipes.ledgerTokens).hasSize(1);
          assertThat(recipes.processed).containsExactly("resize:photo-1");
          assertThat(await(check.group("consumers").members()).toString()).contains("consumer-1");
          assertThat(await(check.registry("api").list()).toString()).contains("10.0.0.7:8080");
          assertThat(await(check.mutex("ledger").holders())).isEmpty();
        });
      }
    } finally {
      await(vertx.close());
    }
  }

  private ReadmeSnippet snippet(ClassLoader loader, String marker, Vertx vertx, CoordinationClient client)
      throws Exception {
    ReadmeSnippet s = (ReadmeSnippet) loader.loadClass("Snippet" + index(marker)).getConstructor().newInstance();
    s.use(vertx, client);
    return s;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
