package io.baton.tls;

import io.netty.handler.ssl.NotSslRecordException;
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
 * A TLS client listener of a node, as an object of the node's configuration gives it: the bridge's
 * {@code bridgeTls}, the ZooKeeper port's {@code zkTls} (docs/security.md, "TLS on the client bridge"):
 * <pre>
 *   {"port": 7443,
 *    "certPath": "server.crt", "keyPath": "server.key",          (PEM; or:)
 *    "keyStorePath": "server.p12", "keyStorePassword": "...", "keyStoreType": "PKCS12",
 *    "trustPath": "ca.crt",                                       (PEM; or:)
 *    "trustStorePath": "trust.p12", "trustStorePassword": "...", "trustStoreType": "PKCS12",
 *    "clientAuth": "none" | "request" | "required"}
 * </pre>
 * The server certificate comes either from PEM files or from a keystore (PKCS12 or JKS); the trust
 * store (the CA that signs client certificates) is needed for {@code request} and {@code required}.
 * Every file is checked when the configuration is read: a missing or unreadable file, a wrong
 * password or an unknown key fails with an {@link IllegalArgumentException} naming the key and file.
 */
public final class TlsListener {
  private static final Set<String> KEYS = Set.of("port", "certPath", "keyPath", "keyStorePath", "keyStorePassword",
      "keyStoreType", "trustPath", "trustStorePath", "trustStorePassword", "trustStoreType", "clientAuth");

  private final String key;
  private final Integer port;
  private final KeyCertOptions keyCert;
  private final TrustOptions trust;
  private final ClientAuth clientAuth;

  private TlsListener(String key, Integer port, KeyCertOptions keyCert, TrustOptions trust, ClientAuth clientAuth) {
    this.key = key;
    this.port = port;
    this.keyCert = keyCert;
    this.trust = trust;
    this.clientAuth = clientAuth;
  }

  /** Reads and checks the object of configuration key {@code key} ({@code bridgeTls}, {@code zkTls}). */
  public static TlsListener parse(String key, JsonObject json) {
    return new Parser(key).parse(json);
  }

  /** The configuration key this listener was read from. */
  public String key() {
    return key;
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

  /** Why a TLS handshake failed, in a few words (never the bytes a plaintext client sent). */
  public static String handshakeFailure(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof NotSslRecordException) {
      return "not a TLS handshake (a plaintext client?)";
    }
    String message = String.valueOf(root.getMessage());
    return "TLS handshake failed: " + root.getClass().getSimpleName() + ": "
        + (message.length() > 200 ? message.substring(0, 200) + "..." : message);
  }

  /** Reads one listener's object; every message names its key. */
  private static final class Parser {
    private final String key;

    Parser(String key) {
      this.key = key;
    }

    TlsListener parse(JsonObject json) {
      Set<String> unknown = new TreeSet<>(json.fieldNames());
      unknown.removeAll(KEYS);
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(key + " has unknown keys " + unknown + "; known: " + new TreeSet<>(KEYS));
      }
      Integer port = json.containsKey("port") ? port(json.getValue("port")) : null;
      ClientAuth clientAuth = clientAuth(string(json, "clientAuth"));
      TrustOptions trust = trust(json);
      if (trust == null && clientAuth != ClientAuth.NONE) {
        throw new IllegalArgumentException(key + ".clientAuth " + clientAuth.name().toLowerCase(Locale.ROOT)
            + " needs the CA of the client certificates: " + key + ".trustPath or " + key + ".trustStorePath");
      }
      return new TlsListener(key, port, keyCert(json), trust, clientAuth);
    }

    KeyCertOptions keyCert(JsonObject json) {
      String cert = string(json, "certPath");
      String keyPath = string(json, "keyPath");
      String store = string(json, "keyStorePath");
      if (store != null && (cert != null || keyPath != null)) {
        throw new IllegalArgumentException(key + ": give either certPath and keyPath (PEM) or keyStorePath, not both");
      }
      if (store != null) {
        return keyStore(json, "keyStore", store, true);
      }
      if (cert == null || keyPath == null) {
        throw new IllegalArgumentException(key + " needs the server certificate: certPath and keyPath (PEM files)"
            + " or keyStorePath and keyStorePassword (a PKCS12 or JKS keystore)");
      }
      Path certFile = TlsFiles.readable(key + ".certPath", cert);
      TlsFiles.pemCertificates(key + ".certPath", certFile);
      Path keyFile = TlsFiles.readable(key + ".keyPath", keyPath);
      TlsFiles.pemPrivateKey(key + ".keyPath", keyFile);
      return new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString());
    }

    TrustOptions trust(JsonObject json) {
      String pem = string(json, "trustPath");
      String store = string(json, "trustStorePath");
      if (pem != null && store != null) {
        throw new IllegalArgumentException(key + ": give either trustPath (PEM) or trustStorePath, not both");
      }
      if (store != null) {
        return keyStore(json, "trustStore", store, false);
      }
      if (pem == null) {
        return null;
      }
      Path file = TlsFiles.readable(key + ".trustPath", pem);
      TlsFiles.pemCertificates(key + ".trustPath", file);
      return new PemTrustOptions().addCertPath(file.toString());
    }

    /** A keystore of {@code name} ({@code keyStore} or {@code trustStore}): path, password and type keys. */
    KeyStoreOptions keyStore(JsonObject json, String name, String file, boolean needKey) {
      String prefix = key + "." + name;
      Path path = TlsFiles.readable(prefix + "Path", file);
      String password = string(json, name + "Password");
      if (password == null) {
        throw new IllegalArgumentException(prefix + "Password is needed to open " + prefix + "Path " + path);
      }
      String type = TlsFiles.keyStoreType(prefix + "Type", string(json, name + "Type"));
      TlsFiles.keyStore(prefix, path, type, password, needKey);
      return new KeyStoreOptions().setType(type).setPath(path.toString()).setPassword(password);
    }

    ClientAuth clientAuth(String value) {
      if (value == null) {
        return ClientAuth.NONE;
      }
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "none" -> ClientAuth.NONE;
        case "request" -> ClientAuth.REQUEST;
        case "required" -> ClientAuth.REQUIRED;
        default -> throw new IllegalArgumentException(key + ".clientAuth: '" + value
            + "' is not none, request or required");
      };
    }

    Integer port(Object value) {
      if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0
          || ((Number) value).longValue() > 65535) {
        throw new IllegalArgumentException(key + ".port: " + value + " is not a port number (0..65535)");
      }
      return ((Number) value).intValue();
    }

    String string(JsonObject json, String name) {
      Object value = json.getValue(name);
      if (value != null && !(value instanceof String)) {
        throw new IllegalArgumentException(key + "." + name + ": " + value + " is not a string");
      }
      return (String) value;
    }
  }
}
