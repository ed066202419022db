package io.baton.vertx.spi.cluster;

import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ClientTls;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link BatonClusterManager}: where Baton is (the TCP bridges of its nodes, tried in turn
 * and failed over, or the event bus of a Baton node embedded in the same JVM), the session timeout that
 * bounds how long a dead Vert.x node stays a member, and the path prefix under which this Vert.x cluster
 * keeps its state (several clusters can share one Baton). Immutable; the {@code with...} methods copy.
 *
 * <p>JSON form ({@link #fromJson}), every key optional: {@code {"servers": ["10.0.0.1:7181", ...],
 * "sessionTimeoutMs": 10000, "requestTimeoutMs": 30000, "prefix": "/vertx", "address": "baton",
 * "digest": "user:password", "clusterHost": null, "clusterPublicHost": null,
 * "tls": {"caPem": "ca.pem", "certPem": "client.pem", "keyPem": "client.key", "verifyHostname": true}}}.
 */
public final class BatonClusterOptions {
  /** The default path prefix. */
  public static final String DEFAULT_PREFIX = "/vertx";

  private List<String> servers = List.of("127.0.0.1:7181");
  private Vertx embedded;
  private int sessionTimeoutMs = 10_000;
  private long requestTimeoutMs = 30_000;
  private String prefix = DEFAULT_PREFIX;
  private String address = Protocol.DEFAULT_ADDRESS;
  private ClientTls tls;
  private String digest;
  private String clusterHost;
  private String clusterPublicHost;

  private BatonClusterOptions() {
  }

  /** One Baton node at {@code 127.0.0.1:7181}, a 10 s session, prefix {@value #DEFAULT_PREFIX}. */
  public static BatonClusterOptions defaults() {
    return new BatonClusterOptions();
  }

  /** Options read from their JSON form (class comment); absent keys keep their defaults. */
  public static BatonClusterOptions fromJson(JsonObject json) {
    BatonClusterOptions o = defaults();
    JsonArray list = json.getJsonArray("servers");
    if (list != null) {
      List<String> servers = new ArrayList<>();
      list.forEach(s -> servers.add((String) s));
      o = o.withServers(servers);
    }
    o = o.withSessionTimeout(json.getInteger("sessionTimeoutMs", o.sessionTimeoutMs))
        .withPrefix(json.getString("prefix", o.prefix))
        .withClusterHost(json.getString("clusterHost"), json.getString("clusterPublicHost"))
        .withDigest(json.getString("digest"));
    o.requestTimeoutMs = json.getLong("requestTimeoutMs", o.requestTimeoutMs);
    o.address = json.getString("address", o.address);
    JsonObject t = json.getJsonObject("tls");
    if (t != null) {
      ClientTls tls = t.getString("caPem") != null ? ClientTls.trusting(t.getString("caPem"))
          : new ClientTls(null, null, true);
      if (t.getString("certPem") != null) {
        tls = tls.withClientCertificate(t.getString("certPem"), t.getString("keyPem"));
      }
      if (!t.getBoolean("verifyHostname", true)) {
        tls = tls.withoutHostnameVerification();
      }
      o = o.withTls(tls);
    }
    return o;
  }

  /** These options with Baton's nodes at {@code hostPorts} ({@code host:port} of their TCP bridges). */
  public BatonClusterOptions withServers(List<String> hostPorts) {
    if (hostPorts.isEmpty()) {
      throw new IllegalArgumentException("at least one Baton node address is needed");
    }
    BatonClusterOptions o = copy();
    o.servers = List.copyOf(hostPorts);
    o.embedded = null;
    return o;
  }

  /**
   * These options talking to a Baton node deployed on {@code batonVertx} in this JVM, over its local event
   * bus (no TCP, no failover: the node lives and dies with the process). It must not be the clustered
   * Vert.x instance itself.
   */
  public BatonClusterOptions withEmbedded(Vertx batonVertx) {
    BatonClusterOptions o = copy();
    o.embedded = Objects.requireNonNull(batonVertx);
    return o;
  }

  /** The Baton session timeout: how long a Vert.x node that died without leaving stays a member. */
  public BatonClusterOptions withSessionTimeout(int ms) {
    BatonClusterOptions o = copy();
    o.sessionTimeoutMs = ms;
    return o;
  }

  /** The path under which this Vert.x cluster lives, e.g. {@code /vertx/orders}. */
  public BatonClusterOptions withPrefix(String p) {
    if (p == null || !p.startsWith("/") || p.endsWith("/") || p.contains("//") || p.startsWith("/baton")
        || p.startsWith("/zookeeper")) {
      throw new IllegalArgumentException("prefix must be an absolute path such as /vertx (not / nor under /baton "
          + "or /zookeeper): " + p);
    }
    BatonClusterOptions o = copy();
    o.prefix = p;
    return o;
  }

  /** These options with TLS on the bridge connections (see {@link ClientTls}). */
  public BatonClusterOptions withTls(ClientTls t) {
    BatonClusterOptions o = copy();
    o.tls = t;
    return o;
  }

  /** The session authenticates with this ZooKeeper digest identity ({@code user:password}; null: none). */
  public BatonClusterOptions withDigest(String userPassword) {
    BatonClusterOptions o = copy();
    o.digest = userPassword;
    return o;
  }

  /** The host the event bus of this Vert.x node binds to and advertises (null: Vert.x's default). */
  public BatonClusterOptions withClusterHost(String host, String publicHost) {
    BatonClusterOptions o = copy();
    o.clusterHost = host;
    o.clusterPublicHost = publicHost;
    return o;
  }

  public List<String> servers() {
    return servers;
  }

  /** The Vert.x instance of an embedded Baton node, or null when Baton is reached over TCP. */
  public Vertx embedded() {
    return embedded;
  }

  public int sessionTimeoutMs() {
    return sessionTimeoutMs;
  }

  public String prefix() {
    return prefix;
  }

  /** The digest identity ({@code user:password}) of the session, or null. */
  public String digest() {
    return digest;
  }

  public String clusterHost() {
    return clusterHost;
  }

  public String clusterPublicHost() {
    return clusterPublicHost;
  }

  /** The client options these settings amount to. */
  public ClientOptions clientOptions() {
    return new ClientOptions(address, sessionTimeoutMs, requestTimeoutMs, tls);
  }

  private BatonClusterOptions copy() {
    BatonClusterOptions o = new BatonClusterOptions();
    o.servers = servers;
    o.embedded = embedded;
    o.sessionTimeoutMs = sessionTimeoutMs;
    o.requestTimeoutMs = requestTimeoutMs;
    o.prefix = prefix;
    o.address = address;
    o.tls = tls;
    o.digest = digest;
    o.clusterHost = clusterHost;
    o.clusterPublicHost = clusterPublicHost;
    return o;
  }
}
