package io.baton.vertx.bridge;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TLS listener of the client bridge, as the {@code bridgeTls} object of the node's configuration
 * gives it (docs/security.md, "TLS on the client bridge"):
 * <pre>
 *   "bridgeTls": {"port": 7443,
 *                 "certPath": "server.crt", "keyPath": "server.key",          (PEM; or:)
 *                 "keyStorePath": "server.p12", "keyStorePassword": "...", "keyStoreType": "PKCS12",
 *                 "trustPath": "ca.crt",                                       (PEM; or:)
 *                 "trustStorePath": "trust.p12", "trustStorePassword": "...", "trustStoreType": "PKCS12",
 *                 "clientAuth": "none" | "request" | "required"}
 * </pre>
 * The server certificate comes either from PEM files or from a keystore (PKCS12 or JKS); the trust
 * store (the CA that signs client certificates) is needed for {@code request} and {@code required}.
 * Every file is checked when the configuration is read: a missing or unreadable file, a wrong
 * password or an unknown key fails with an {@link IllegalArgumentException} naming the key and file.
 */
public final class BridgeTls {
  /** The configuration key of the object. */
  public static final String KEY = "bridgeTls";
  private static final Set<String> KEYS = Set.of("port", "certPath", "keyPath", "keyStorePath", "keyStorePassword",
      "keyStoreType", "trustPath", "trustStorePath", "trustStorePassword", "trustStoreType", "clientAuth");

  private final Integer port;
  private final KeyCertOptions keyCert;
  private final TrustOptions trust;
  private final ClientAuth clientAuth;

  private BridgeTls(Integer port, KeyCertOptions keyCert, TrustOptions trust, ClientAuth clientAuth) {
    this.port = port;
    this.keyCert = keyCert;
    this.trust = trust;
    this.clientAuth = clientAuth;
  }

  /** Reads and checks a {@code bridgeTls} object. */
  public static BridgeTls parse(JsonObject json) {
    return parse(KEY, json);
  }

  /**
   * Reads and checks a TLS listener object of the same shape under another configuration key
   * ({@code adminTls}), which every message names.
   */
  public static BridgeTls parse(String cfg, JsonObject json) {
    Set<String> unknown = new TreeSet<>(json.fieldNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(cfg + " has unknown keys " + unknown + "; known: " + new TreeSet<>(KEYS));
    }
    Integer port = json.containsKey("port") ? port(cfg, json.getValue("port")) : null;
    ClientAuth clientAuth = clientAuth(cfg, string(cfg, json, "clientAuth"));
    TrustOptions trust = trust(cfg, json);
    if (trust == null && clientAuth != ClientAuth.NONE) {
      throw new IllegalArgumentException(cfg + ".clientAuth " + clientAuth.name().toLowerCase(Locale.ROOT)
          + " needs the CA of the client certificates: " + cfg + ".trustPath or " + cfg + ".trustStorePath");
    }
    return new BridgeTls(port, keyCert(cfg, json), trust, clientAuth);
  }

  /** The configured port, or null if none was given. */
  public Integer port() {
    return port;
  }

  /** Whether and how client certificates are asked for. */
  public ClientAuth clientAuth() {
    return clientAuth;
  }

  /** Server options with TLS on, this certificate, trust store and client authentication. */
  public NetServerOptions serverOptions() {
    NetServerOptions options = new NetServerOptions().setSsl(true).setKeyCertOptions(keyCert.copy())
        .setClientAuth(clientAuth);
    return trust == null ? options : options.setTrustOptions(trust.copy());
  }

  /** HTTP server options with TLS on, this certificate, trust store and client authentication (the admin port). */
  public HttpServerOptions httpServerOptions() {
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setKeyCertOptions(keyCert.copy())
        .setClientAuth(clientAuth);
    return trust == null ? options : options.setTrustOptions(trust.copy());
  }

  private static KeyCertOptions keyCert(String cfg, JsonObject json) {
    String cert = string(cfg, json, "certPath");
    String key = string(cfg, json, "keyPath");
    String store = string(cfg, json, "keyStorePath");
    if (store != null && (cert != null || key != null)) {
      throw new IllegalArgumentException(cfg + ": give either certPath and keyPath (PEM) or keyStorePath, not both");
    }
    if (store != null) {
      return keyStore(cfg, json, "keyStore", store, true);
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException(cfg + " needs the server certificate: certPath and keyPath (PEM files)"
          + " or keyStorePath and keyStorePassword (a PKCS12 or JKS keystore)");
    }
    Path certFile = TlsFiles.readable(cfg + ".certPath", cert);
    TlsFiles.pemCertificates(cfg + ".certPath", certFile);
    Path keyFile = TlsFiles.readable(cfg + ".keyPath", key);
    TlsFiles.pemPrivateKey(cfg + ".keyPath", keyFile);
    return new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString());
  }

  private static TrustOptions trust(String cfg, JsonObject json) {
    String pem = string(cfg, json, "trustPath");
    String store = string(cfg, json, "trustStorePath");
    if (pem != null && store != null) {
      throw new IllegalArgumentException(cfg + ": give either trustPath (PEM) or trustStorePath, not both");
    }
    if (store != null) {
      return keyStore(cfg, json, "trustStore", store, false);
    }
    if (pem == null) {
      return null;
    }
    Path file = TlsFiles.readable(cfg + ".trustPath", pem);
    TlsFiles.pemCertificates(cfg + ".trustPath", file);
    return new PemTrustOptions().addCertPath(file.toString());
  }

  /** A keystore of {@code name} ({@code keyStore} or {@code trustStore}): path, password and type keys. */
  private static KeyStoreOptions keyStore(String cfg, JsonObject json, String name, String file, boolean needKey) {
    String prefix = cfg + "." + name;
    Path path = TlsFiles.readable(prefix + "Path", file);
    String password = string(cfg, json, name + "Password");
    if (password == null) {
      throw new IllegalArgumentException(prefix + "Password is needed to open " + prefix + "Path " + path);
    }
    String type = TlsFiles.keyStoreType(prefix + "Type", string(cfg, json, name + "Type"));
    TlsFiles.keyStore(prefix, path, type, password, needKey);
    return new KeyStoreOptions().setType(type).setPath(path.toString()).setPassword(password);
  }

  private static ClientAuth clientAuth(String cfg, String value) {
    if (value == null) {
      return ClientAuth.NONE;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> ClientAuth.NONE;
      case "request" -> ClientAuth.REQUEST;
      case "required" -> ClientAuth.REQUIRED;
      default -> throw new IllegalArgumentException(cfg + ".clientAuth: '" + value
          + "' is not none, request or required");
    };
  }

  private static Integer port(String cfg, Object value) {
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0
        || ((Number) value).longValue() > 65535) {
      throw new IllegalArgumentException(cfg + ".port: " + value + " is not a port number (0..65535)");
    }
    return ((Number) value).intValue();
  }

  private static String string(String cfg, JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(cfg + "." + key + ": " + value + " is not a string");
    }
    return (String) value;
  }
}
