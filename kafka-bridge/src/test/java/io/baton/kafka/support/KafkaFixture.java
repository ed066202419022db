package io.baton.kafka.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.testcontainers.DockerClientFactory;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) for the tests, shared by every
 * test class of the JVM and stopped when it exits. Without Docker it is a child JVM started from
 * the Maven test classpath ({@code kafka_2.13}): storage formatted with {@code StorageTool}, then
 * {@code kafka.Kafka server.properties}, on loopback ports: a PLAINTEXT listener, and a
 * SASL_PLAINTEXT listener taking SCRAM-SHA-256 for the user {@value #SCRAM_USER} (created at format
 * time with {@code --add-scram}; no authorizer). With Docker (checked with
 * {@code DockerClientFactory.isDockerAvailable()}) it is a Testcontainers {@code KafkaContainer}
 * instead. {@code -Dbaton.kafka.fixture=process|docker} forces one.
 */
public final class KafkaFixture {
  /** The SCRAM-SHA-256 user of the SASL listener, and its password. */
  public static final String SCRAM_USER = "alice";
  public static final String SCRAM_PASSWORD = "alice-secret";
  private static KafkaFixture shared;

  private final boolean docker;
  private final Path dir;
  private int port;
  private int saslPort;
  private int controllerPort;
  private Process process;
  private Object container;
  private int starts;

  private KafkaFixture(boolean docker, Path dir) {
    this.docker = docker;
    this.dir = dir;
  }

  /** The JVM-wide broker, started on first use. */
  public static synchronized KafkaFixture shared() throws Exception {
    if (shared == null) {
      String mode = System.getProperty("baton.kafka.fixture", "auto");
      boolean docker = mode.equals("docker") || (mode.equals("auto") && dockerAvailable());
      KafkaFixture f = new KafkaFixture(docker, Files.createTempDirectory("baton-kafka-"));
      f.start();
      Runtime.getRuntime().addShutdownHook(new Thread(f::destroy, "kafka-fixture-stop"));
      shared = f;
    }
    return shared;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  public boolean isDocker() {
    return docker;
  }

  /** A bridge configuration with its own topics (prefixed {@code id}) on the shared broker. */
  public static JsonObject bridgeConfig(String id) {
    String bootstrap;
    try {
      bootstrap = shared().bootstrap();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new JsonObject().put("bridgeId", id)
        .put("topics", new JsonObject().put("events", id + ".events").put("membership", id + ".membership")
            .put("sessions", id + ".sessions").put("checkpoints", id + ".checkpoints"))
        .put("producer", new JsonObject().put("bootstrap.servers", bootstrap));
  }

  public String bootstrap() {
    if (docker) {
      return ((org.testcontainers.kafka.KafkaContainer) container).getBootstrapServers();
    }
    return "127.0.0.1:" + port;
  }

  /** The SASL_PLAINTEXT (SCRAM-SHA-256) listener; the child-process broker only. */
  public String saslBootstrap() {
    if (docker) {
      throw new IllegalStateException("the Docker broker has no SASL listener");
    }
    return "127.0.0.1:" + saslPort;
  }

  /** Client properties for the SASL listener as {@code user} with {@code password}. */
  public JsonObject saslClient(String user, String password) {
    return new JsonObject().put("bootstrap.servers", saslBootstrap()).put("security.protocol", "SASL_PLAINTEXT")
        .put("sasl.mechanism", "SCRAM-SHA-256").put("sasl.jaas.config", jaas(user, password));
  }

  /** A SCRAM client login: {@code ScramLoginModule required username=... password=...;}. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
        + "\" password=\"" + password + "\";";
  }

  /** A free port on 127.0.0.1 outside the ephemeral range ({@code ServerProcess.freePort}). */
  public static int freePort() throws IOException {
    return io.baton.vertx.process.ServerProcess.freePort();
  }

  private void start() throws Exception {
    if (docker) {
      org.testcontainers.kafka.KafkaContainer c = new org.testcontainers.kafka.KafkaContainer(
          System.getProperty("baton.kafka.image", "apache/kafka:4.4.0"));
      c.start();
      container = c;
      return;
    }
    port = freePort();
    saslPort = freePort();
    controllerPort = freePort();
    Path logs = dir.resolve("logs");
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL://127.0.0.1:" + saslPort
        + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL://127.0.0.1:" + saslPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-256");
    p.put("listener.name.sasl.scram-sha-256.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put("log.dirs", logs.toString());
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    p.put("log.segment.bytes", "16777216");
    Path props = dir.resolve("server.properties");
    try (var w = Files.newBufferedWriter(props)) {
      p.store(w, "Baton test broker");
    }
    Files.writeString(dir.resolve("logback.xml"), """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
          </appender>
          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
          <logger name="kafka.server.BrokerServer" level="INFO"/>
          <logger name="kafka.coordinator.transaction" level="${baton.kafka.txnlog:-WARN}"/>
          <logger name="org.apache.kafka.coordinator.transaction" level="${baton.kafka.txnlog:-WARN}"/>
          <root level="WARN"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    String clusterId = Uuid.randomUuid().toString();
    Process format = new ProcessBuilder(command("kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
        props.toString(), "--add-scram", "SCRAM-SHA-256=[name=" + SCRAM_USER + ",password=" + SCRAM_PASSWORD + "]"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      throw new IllegalStateException("StorageTool format failed:\n" + Files.readString(dir.resolve("format.log")));
    }
    startBroker();
  }

  private List<String> command(String main, String... args) {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-Xms128m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Dlogback.configurationFile=" + dir.resolve("logback.xml"));
    cmd.add("-Dbaton.kafka.txnlog=" + System.getProperty("baton.kafka.txnlog", "WARN"));
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(main);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts (or restarts, on the same ports and data) the broker and waits until it serves. */
  public synchronized void startBroker() throws Exception {
    if (docker) {
      var c = (org.testcontainers.kafka.KafkaContainer) container;
      DockerClientFactory.instance().client().unpauseContainerCmd(c.getContainerId()).exec();
      waitReady(60_000);
      return;
    }
    starts++;
    Path log = dir.resolve("broker.log");
    Files.writeString(log, "=== start " + starts + " ===\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    process = new ProcessBuilder(command("kafka.Kafka", dir.resolve("server.properties").toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    waitReady(120_000);
  }

  private void waitReady(long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    while (System.currentTimeMillis() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("broker exited with " + process.exitValue() + ":\n" + log());
      }
      if (docker || portOpen()) {
        try (Admin admin = Admin.create(p)) {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          admin.listTopics().names().get(5, TimeUnit.SECONDS);
          return;
        } catch (Exception notYet) {
          // keep waiting
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("broker not ready in " + timeoutMs + " ms:\n" + log());
  }

  private boolean portOpen() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Takes the broker away (SIGTERM and wait; with Docker: pauses the container). */
  public synchronized void stopBroker() throws Exception {
    if (docker) {
      var c = (org.testcontainers.kafka.KafkaContainer) container;
      DockerClientFactory.instance().client().pauseContainerCmd(c.getContainerId()).exec();
      return;
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  public String log() {
    try {
      Path log = dir.resolve("broker.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private void destroy() {
    if (container != null) {
      ((org.testcontainers.kafka.KafkaContainer) container).stop();
    }
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }
    if (!Boolean.getBoolean("baton.kafka.keep")) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory
      }
    }
  }
}
