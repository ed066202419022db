package io.baton.kafka;

import io.baton.kafka.mapping.Route;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.launcher.AdminListener;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.baton.schemas.event.EventKind;

/**
 * Settings of a Kafka bridge, read from a JSON object (the verticle's config, or the file given to
 * {@link BridgeMain}). Every key is optional except {@code producer."bootstrap.servers"}; see the
 * README's "Kafka bridge" section for the table.
 */
public final class BridgeConfig {
  /** Kinds that go to the membership topic by default. */
  public static final Set<EventKind> DERIVED = EnumSet.of(EventKind.MEMBER_JOINED, EventKind.MEMBER_LEFT,
      EventKind.LEADER_ELECTED, EventKind.LEADER_RESIGNED, EventKind.LEADER_LOST, EventKind.LOCK_GRANTED,
      EventKind.LOCK_RELEASED);

  /** Kinds that go to the sessions topic by default. */
  public static final Set<EventKind> SESSION_KINDS = EnumSet.of(EventKind.SESSION_OPENED, EventKind.SESSION_CLOSED,
      EventKind.SESSION_EXPIRED);

  private final JsonObject json;
  private final String bridgeId;
  private final String address;
  private final String batonHost;
  private final int batonPort;
  private final BatonAuth batonAuth;
  private final int sessionTimeoutMs;
  private final String eventsTopic;
  private final String membershipTopic;
  private final String sessionsTopic;
  private final String checkpointTopic;
  private final List<Route> routes;
  private final Map<String, Object> producer;
  private final Map<String, Object> consumer;
  private final boolean createTopics;
  private final int topicPartitions;
  private final short replicationFactor;
  private final String startFrom;
  private final int maxBatchEntries;
  private final long lingerMs;
  private final int maxQueuedEntries;
  private final int maxRecordBytes;
  private final long backoffInitialMs;
  private final long backoffMaxMs;
  private final long stallCheckMs;
  private final String statusAddress;
  private final boolean ingressEnabled;
  private final String commandsTopic;
  private final String repliesTopic;
  private final String ingressGroupId;
  private final long commandTimeoutMs;
  private final Integer adminPort;
  private final String adminHost;
  private final HttpServerOptions adminServer;
  private final long adminReadyMaxLagMs;

  /** The top-level keys. */
  private static final Set<String> KEYS = Set.of("bridgeId", "address", "baton", "sessionTimeoutMs", "topics", "routes",
      "producer", "consumer", "createTopics", "topicPartitions", "replicationFactor", "startFrom", "maxBatchEntries",
      "lingerMs", "maxQueuedEntries", "maxRecordBytes", "backoffInitialMs", "backoffMaxMs", "stallCheckMs",
      "statusAddress", "ingress", "adminPort", "adminHost", "adminTls", "adminReadyMaxLagMs");

  public BridgeConfig(JsonObject c) {
    this.json = c.copy();
    ConfigReader r = new ConfigReader(c, "", KEYS);
    this.bridgeId = r.string("bridgeId", "baton-bridge");
    if (!bridgeId.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException("bridgeId must be 1 to 200 letters, digits, '.', '_' or '-', was '"
          + bridgeId + "'");
    }
    this.address = r.string("address", Protocol.DEFAULT_ADDRESS);
    ConfigReader baton = r.nested("baton", Set.of("host", "port", "auth"));
    this.batonHost = baton.string("host", null);
    this.batonPort = baton.int32("port", 7181);
    this.batonAuth = BatonAuth.parse(baton.objectOrNull("auth"));
    this.sessionTimeoutMs = r.int32("sessionTimeoutMs", 10_000);
    ConfigReader topics = r.nested("topics", Set.of("events", "membership", "sessions", "checkpoints", "commands",
        "replies"));
    this.eventsTopic = topics.string("events", "baton.events");
    this.membershipTopic = topics.string("membership", "baton.membership");
    this.sessionsTopic = topics.string("sessions", "baton.sessions");
    this.checkpointTopic = topics.string("checkpoints", "baton.bridge.checkpoints");
    this.commandsTopic = topics.string("commands", "baton.commands");
    this.repliesTopic = topics.string("replies", "baton.replies");
    this.routes = parseRoutes(r.array("routes"), eventsTopic, membershipTopic, sessionsTopic);
    this.producer = toMap(r.object("producer"));
    if (!producer.containsKey("bootstrap.servers")) {
      throw new IllegalArgumentException("producer.\"bootstrap.servers\" is required");
    }
    this.consumer = toMap(r.object("consumer"));
    this.createTopics = r.bool("createTopics", true);
    this.topicPartitions = r.int32("topicPartitions", 1);
    this.replicationFactor = (short) r.int32("replicationFactor", -1);
    this.startFrom = String.valueOf(c.getValue("startFrom", "earliest"));
    this.maxBatchEntries = r.int32("maxBatchEntries", 5_000);
    this.lingerMs = r.int64("lingerMs", 2L);
    this.maxQueuedEntries = r.int32("maxQueuedEntries", 50_000);
    this.maxRecordBytes = r.int32("maxRecordBytes", 900_000);
    this.backoffInitialMs = r.int64("backoffInitialMs", 200L);
    this.backoffMaxMs = r.int64("backoffMaxMs", 10_000L);
    this.stallCheckMs = r.int64("stallCheckMs", 5_000L);
    this.statusAddress = r.string("statusAddress", "baton.kafka.status");
    ConfigReader ingress = r.nested("ingress", Set.of("enabled", "groupId", "commandTimeoutMs"));
    this.ingressEnabled = ingress.bool("enabled", false);
    this.ingressGroupId = ingress.string("groupId", "baton-bridge-" + bridgeId + "-commands");
    this.commandTimeoutMs = ingress.int64("commandTimeoutMs", 30_000L);
    this.adminPort = c.getValue("adminPort") == null ? null : r.int32("adminPort", -1);
    if (adminPort != null && (adminPort < -1 || adminPort > 65535)) {
      throw new IllegalArgumentException("bridge configuration key 'adminPort' must be -1 (none), 0 (any) or a port,"
          + " was " + adminPort);
    }
    this.adminHost = r.string("adminHost", "127.0.0.1");
    JsonObject tls = r.objectOrNull("adminTls");
    this.adminServer = tls == null ? new HttpServerOptions() : AdminListener.tlsOptions(tls);
    this.adminReadyMaxLagMs = r.int64("adminReadyMaxLagMs", 30_000L);
    if (maxBatchEntries <= 0 || maxQueuedEntries <= maxBatchEntries) {
      throw new IllegalArgumentException("need 0 < maxBatchEntries < maxQueuedEntries");
    }
  }

  private static Map<String, Object> toMap(JsonObject o) {
    Map<String, Object> m = new LinkedHashMap<>();
    o.forEach(e -> m.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
    return m;
  }

  static List<Route> parseRoutes(JsonArray a, String eventsTopic, String membershipTopic, String sessionsTopic) {
    List<Route> out = new ArrayList<>();
    if (a == null) {
      out.add(new Route("/", DERIVED, membershipTopic, true));
      out.add(new Route("/", SESSION_KINDS, sessionsTopic, true));
      out.add(new Route("/", null, eventsTopic, true));
      return out;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject r)) {
        throw new IllegalArgumentException("route " + i + " must be an object");
      }
      new ConfigReader(r, "routes[" + i + "].", Set.of("prefix", "kinds", "topic", "includeData"));
      String prefix = r.getString("prefix", "/");
      if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))) {
        throw new IllegalArgumentException("route " + i + ": prefix must be an absolute path without a trailing /: "
            + prefix);
      }
      Set<EventKind> kinds = null;
      JsonArray k = r.getJsonArray("kinds");
      if (k != null) {
        kinds = EnumSet.noneOf(EventKind.class);
        for (Object o : k) {
          String name = String.valueOf(o);
          if (name.equals("DERIVED")) {
            kinds.addAll(DERIVED);
          } else {
            try {
              kinds.add(EventKind.valueOf(name));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("route " + i + ": unknown event kind " + name);
            }
          }
        }
      }
      String topic = r.containsKey("topic") ? r.getString("topic") : eventsTopic;
      out.add(new Route(prefix, kinds, topic == null || topic.isEmpty() ? null : topic,
          r.getBoolean("includeData", true)));
    }
    return out;
  }

  public JsonObject json() {
    return json.copy();
  }

  public String bridgeId() {
    return bridgeId;
  }

  public String address() {
    return address;
  }

  /** Host of the Baton TCP bridge, or null to use the local event bus. */
  public String batonHost() {
    return batonHost;
  }

  public int batonPort() {
    return batonPort;
  }

  /** The identity the bridge's Baton session authenticates as after every connect, or null for none. */
  public BatonAuth batonAuth() {
    return batonAuth;
  }

  public int sessionTimeoutMs() {
    return sessionTimeoutMs;
  }

  public String eventsTopic() {
    return eventsTopic;
  }

  public String membershipTopic() {
    return membershipTopic;
  }

  public String sessionsTopic() {
    return sessionsTopic;
  }

  public String checkpointTopic() {
    return checkpointTopic;
  }

  public List<Route> routes() {
    return routes;
  }

  /** Producer properties as given (the bridge adds transactional.id, idempotence and serializers). */
  public Map<String, Object> producer() {
    return producer;
  }

  /** Extra consumer properties (checkpoint reader and ingress). */
  public Map<String, Object> consumer() {
    return consumer;
  }

  public boolean createTopics() {
    return createTopics;
  }

  public int topicPartitions() {
    return topicPartitions;
  }

  public short replicationFactor() {
    return replicationFactor;
  }

  /** Where to start without a checkpoint: {@code earliest}, {@code latest} or a zxid. */
  public String startFrom() {
    return startFrom;
  }

  public int maxBatchEntries() {
    return maxBatchEntries;
  }

  public long lingerMs() {
    return lingerMs;
  }

  public int maxQueuedEntries() {
    return maxQueuedEntries;
  }

  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  public long backoffInitialMs() {
    return backoffInitialMs;
  }

  public long backoffMaxMs() {
    return backoffMaxMs;
  }

  public long stallCheckMs() {
    return stallCheckMs;
  }

  public String statusAddress() {
    return statusAddress;
  }

  public boolean ingressEnabled() {
    return ingressEnabled;
  }

  public String commandsTopic() {
    return commandsTopic;
  }

  public String repliesTopic() {
    return repliesTopic;
  }

  public String ingressGroupId() {
    return ingressGroupId;
  }

  public long commandTimeoutMs() {
    return commandTimeoutMs;
  }

  /** The admin port ({@code adminPort}): -1 none, 0 any free port; null when the configuration names none. */
  public Integer adminPort() {
    return adminPort;
  }

  /** The address the admin port binds to ({@code adminHost}, default 127.0.0.1). */
  public String adminHost() {
    return adminHost;
  }

  /** The admin port's HTTP server options, with TLS when {@code adminTls} is set. */
  public HttpServerOptions adminServer() {
    return new HttpServerOptions(adminServer);
  }

  /** {@code /readyz} fails while the oldest write not yet in Kafka is older than this ({@code adminReadyMaxLagMs}). */
  public long adminReadyMaxLagMs() {
    return adminReadyMaxLagMs;
  }

  /**
   * The transactional ids of the bridge's two producers, which take turns: the configured
   * {@code transactional.id} (default {@code baton-bridge-<bridgeId>}) and the same with {@code #2}
   * appended (a bridge id cannot hold '#', so no other bridge's id is the second one). Fixed per
   * bridge id, so a restart fences a zombie.
   */
  public List<String> transactionalIds() {
    String id = String.valueOf(producer.getOrDefault("transactional.id", "baton-bridge-" + bridgeId));
    return List.of(id, id + "#2");
  }

  /**
   * Connection settings of {@code producer} that every client (producers, consumers, the admin
   * client) also gets: the bootstrap servers, security ({@code security.*}, {@code sasl.*},
   * {@code ssl.*}) and Kafka's config providers (so {@code ${file:...}} values resolve everywhere).
   */
  public Map<String, Object> connection() {
    Map<String, Object> m = new LinkedHashMap<>();
    producer.forEach((k, v) -> {
      if (k.equals("bootstrap.servers") || k.startsWith("security.") || k.startsWith("sasl.")
          || k.startsWith("ssl.") || k.startsWith("config.providers") || k.equals("client.dns.lookup")
          || k.equals("metadata.recovery.strategy")) {
        m.put(k, v);
      }
    });
    return m;
  }
}
