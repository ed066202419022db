package io.baton.vertx.spi.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A clustered Vert.x node in a child JVM, for the tests that kill one with {@code kill -9}: it joins with a
 * {@link BatonClusterManager} of the given options, answers requests on {@value #ECHO} with their body, and
 * tells its parent on standard output its node id once ready and every node it is told left.
 */
final class VertxNodeProcess implements AutoCloseable {
  /** The address the child consumes. */
  static final String ECHO = "echo";
  private static final String READY = "vertx-node-ready ";
  private static final String LEFT = "vertx-node-left ";

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Set<String> left = ConcurrentHashMap.newKeySet();
  private volatile String nodeId;

  /** Starts the child; {@link #awaitReady()} waits until it has joined. */
  VertxNodeProcess(Path dir, BatonClusterOptions options) throws Exception {
    Path config = dir.resolve("vertx-node.json");
    Files.writeString(config, new JsonObject().put("servers", new JsonArray(options.servers()))
        .put("prefix", options.prefix()).put("sessionTimeoutMs", options.sessionTimeoutMs()).encode());
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", cp, VertxNodeProcess.class.getName(), config.toString()).redirectErrorStream(true).start();
    Thread reader = new Thread(this::read, "vertx-node-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The child's node id, once it has joined and consumes {@value #ECHO}. */
  String awaitReady() throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (nodeId == null) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("Vert.x child not ready:\n" + String.join("\n", output));
      }
      Thread.sleep(50);
    }
    return nodeId;
  }

  /** The nodes the child was told left. */
  Set<String> left() {
    return left;
  }

  /** SIGKILL: no shutdown hook runs, the node does not leave. */
  void kill9() throws Exception {
    new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        output.add(line);
        if (line.startsWith(READY)) {
          nodeId = line.substring(READY.length());
        } else if (line.startsWith(LEFT)) {
          left.add(line.substring(LEFT.length()));
        }
      }
    } catch (Exception e) {
      output.add("output lost: " + e);
    }
  }

  /** The child: {@code VertxNodeProcess <options JSON file>}. */
  public static void main(String[] args) throws Exception {
    BatonClusterOptions options = BatonClusterOptions.fromJson(new JsonObject(Files.readString(Path.of(args[0]))));
    RecordingClusterManager cm = new RecordingClusterManager(options, id -> System.out.println(LEFT + id));
    Vertx vertx = await(Vertx.builder().withClusterManager(cm).buildClustered());
    await(vertx.eventBus().consumer(ECHO, m -> m.reply(m.body())).completion());
    System.out.println(READY + cm.getNodeId());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
