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
 * <p>JSON form ({@link #fromJson}): {@code {"servers": ["10.0.0.1:7181", ...], "sessionTimeoutMs": 10000,
 * "requestTimeoutMs": 30000, "prefix": "/vertx", "address": "baton", "clusterHost": null,
 * "clusterPublicHost": null, "tls": {"caPem": "...", "certPem": "...", "keyPem": "...", "verifyHostname": true}}}.
 */
public final class BatonClusterOptions {
  /** The default path prefix. */
  public static final String DEFAULT_PREFIX = "/vertx";

  private final List<String> servers;
  private final Vertx embedded;
  private final int sessionTimeoutMs;
  private final long requestTimeoutMs;
  private final String prefix;
  private final String address;
  private final ClientTls tls;
  private final String clusterHost;
  private final String clusterPublicHost;

  private BatonClusterOptions(List<String> servers, Vertx embedded, int sessionTimeoutMs, long requestTimeoutMs,
                              String prefix, String address, ClientTls tls, String clusterHost,
                              String clusterPublicHost) {
    this.servers = List.copyOf(servers);
    this.embedded = embedded;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.requestTimeoutMs = requestTimeoutMs;
    this.prefix = checkPrefix(prefix);
    this.address = Objects.requireNonNull(address, "address");
    this.tls = tls;
    this.clusterHost = clusterHost;
    this.clusterPublicHost = clusterPublicHost;
  }

  /** One Baton node at {@code 127.0.0.1:7181}, a 10 s session, prefix {@value #DEFAULT_PREFIX}. */
  public static BatonClusterOptions defaults() {
    return new BatonClusterOptions(List.of("127.0.0.1:7181"), null, 10_000, 30_000, DEFAULT_PREFIX,
        Protocol.DEFAULT_ADDRESS, null, null, null);
  }

  /** Options read from their JSON form (class comment); absent keys keep their defaults. */
  public static BatonClusterOptions fromJson(JsonObject json) {
    BatonClusterOptions d = defaults();
    List<String> servers = new ArrayList<>();
    JsonArray list = json.getJsonArray("servers");
    if (list != null) {
      list.forEach(s -> servers.add((String) s));
    } else {
      servers.addAll(d.servers);
    }
    JsonObject t = json.getJsonObject("tls");
    ClientTls tls = null;
    if (t != null) {
      tls = t.getString("caPem") != null ? ClientTls.trusting(t.getString("caPem")) : new ClientTls(null, null, true);
      if (t.getString("certPem") != null) {
        tls = tls.withClientCertificate(t.getString("certPem"), t.getString("keyPem"));
      }
      if (!t.getBoolean("verifyHostname", true)) {
        tls = tls.withoutHostnameVerification();
      }
    }
    return new BatonClusterOptions(servers, null, json.getInteger("sessionTimeoutMs", d.sessionTimeoutMs),
        json.getLong("requestTimeoutMs", d.requestTimeoutMs), json.getString("prefix", d.prefix),
        json.getString("address", d.address), tls, json.getString("clusterHost"), json.getString("clusterPublicHost"));
  }

  /** These options with Baton's nodes at {@code hostPorts} ({@code host:port} of their TCP bridges). */
  public BatonClusterOptions withServers(List<String> hostPorts) {
    if (hostPorts.isEmpty()) {
      throw new IllegalArgumentException("at least one Baton node address is needed");
    }
    return new BatonClusterOptions(hostPorts, null, sessionTimeoutMs, requestTimeoutMs, prefix, address, tls,
        clusterHost, clusterPublicHost);
  }

  /**
   * These options talking to a Baton node deployed on {@code batonVertx} in this JVM, over its local event
   * bus (no TCP, no failover: the node lives and dies with the process). It must not be the clustered
   * Vert.x instance itself.
   */
  public BatonClusterOptions withEmbedded(Vertx batonVertx) {
    return new BatonClusterOptions(servers, Objects.requireNonNull(batonVertx), sessionTimeoutMs, requestTimeoutMs,
        prefix, address, tls, clusterHost, clusterPublicHost);
  }

  public BatonClusterOptions withSessionTimeout(int ms) {
    return new BatonClusterOptions(servers, embedded, ms, requestTimeoutMs, prefix, address, tls, clusterHost,
        clusterPublicHost);
  }

  public BatonClusterOptions withPrefix(String p) {
    return new BatonClusterOptions(servers, embedded, sessionTimeoutMs, requestTimeoutMs, p, address, tls,
        clusterHost, clusterPublicHost);
  }

  /** These options with TLS on the bridge connections (see {@link ClientTls}). */
  public BatonClusterOptions withTls(ClientTls t) {
    return new BatonClusterOptions(servers, embedded, sessionTimeoutMs, requestTimeoutMs, prefix, address, t,
        clusterHost, clusterPublicHost);
  }

  /** The host the event bus of this Vert.x node binds to and advertises (null: Vert.x's default). */
  public BatonClusterOptions withClusterHost(String host, String publicHost) {
    return new BatonClusterOptions(servers, embedded, sessionTimeoutMs, requestTimeoutMs, prefix, address, tls,
        host, publicHost);
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

  private static String checkPrefix(String p) {
    if (p == null || !p.startsWith("/") || p.endsWith("/") || p.contains("//") || p.startsWith("/baton")
        || p.startsWith("/zookeeper")) {
      throw new IllegalArgumentException("prefix must be an absolute path such as /vertx (not / nor under /baton "
          + "or /zookeeper): " + p);
    }
    return p;
  }
}
