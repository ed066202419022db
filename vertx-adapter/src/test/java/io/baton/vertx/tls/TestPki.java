package io.baton.vertx.tls;

import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Real certificates for TLS tests, made once per JVM with the JDK's {@code keytool} (EC P-256): a CA;
 * a server certificate for {@code IP:127.0.0.1} and {@code DNS:localhost} signed by it; a client
 * certificate signed by it; and a client certificate with the same subject signed by another CA,
 * which the nodes do not trust. keytool makes and signs every key and certificate; the PEM files
 * and keystores are written from its output with the JDK's {@code KeyStore} (keytool cannot write
 * a private key as PEM).
 */
public final class TestPki {
  /** The password of every keystore here. */
  public static final String PASSWORD = "test-store-pass";
  /** The client certificate's subject, as RFC 2253 renders it. */
  public static final String CLIENT_SUBJECT = "CN=client-1,OU=Payments,O=Baton Test,C=DE";
  private static final String CLIENT_DNAME = "CN=client-1, OU=Payments, O=Baton Test, C=DE";
  private static TestPki instance;

  private final Path dir;

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** The certificates, made on first use in a temporary directory. */
  public static synchronized TestPki get() throws Exception {
    if (instance == null) {
      Path dir = Files.createTempDirectory("baton-pki");
      dir.toFile().deleteOnExit();
      TestPki pki = new TestPki(dir);
      pki.make();
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().deleteOnExit());
      }
      instance = pki;
    }
    return instance;
  }

  /** The CA certificate (PEM): what clients trust, and what a node trusts for client certificates. */
  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  /** The server certificate (PEM), SAN IP:127.0.0.1 and DNS:localhost. */
  public Path serverCert() {
    return dir.resolve("server.crt");
  }

  /** The server's private key (PEM, PKCS#8). */
  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /** The server's key and certificate chain in a PKCS12 keystore ({@link #PASSWORD}). */
  public Path serverKeyStore() {
    return dir.resolve("server.p12");
  }

  /** The CA certificate in a PKCS12 trust store ({@link #PASSWORD}). */
  public Path trustStore() {
    return dir.resolve("trust.p12");
  }

  /** The client certificate (PEM), subject {@link #CLIENT_SUBJECT}, signed by the CA. */
  public Path clientCert() {
    return dir.resolve("client.crt");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /** The client's key and certificate chain in a PKCS12 keystore ({@link #PASSWORD}). */
  public Path clientKeyStore() {
    return dir.resolve("client.p12");
  }

  /** The certificate (PEM) of the CA the nodes do not trust. */
  public Path rogueCaCert() {
    return dir.resolve("rogue-ca.crt");
  }

  /** A client certificate with the same subject, signed by a CA the nodes do not trust. */
  public Path rogueClientCert() {
    return dir.resolve("rogue.crt");
  }

  public Path rogueClientKey() {
    return dir.resolve("rogue.key");
  }

  /**
   * The rogue client's key and certificate, presented even though the node's list of accepted CAs
   * does not name its issuer (the JDK's own key manager would then present nothing), as a hostile
   * client would, so that the node's check of the chain is what refuses it.
   */
  public KeyCertOptions rogueClientPresentingAnyway() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("rogue.p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, PASSWORD.toCharArray());
    X509ExtendedKeyManager own = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    return KeyCertOptions.wrap(new X509ExtendedKeyManager() {
      @Override
      public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return own.chooseEngineClientAlias(keyTypes, null, engine);
      }

      @Override
      public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return own.chooseClientAlias(keyTypes, null, socket);
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return own.getClientAliases(keyType, null);
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return own.getServerAliases(keyType, issuers);
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return own.chooseServerAlias(keyType, issuers, socket);
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return own.getCertificateChain(alias);
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return own.getPrivateKey(alias);
      }
    });
  }

  private void make() throws Exception {
    ca("ca", "CN=Baton Test CA");
    ca("rogue-ca", "CN=Rogue CA");
    leaf("server", "CN=localhost, O=Baton Test", "ca", "SAN=IP:127.0.0.1,DNS:localhost", "EKU=serverAuth");
    leaf("client", CLIENT_DNAME, "ca", null, "EKU=clientAuth");
    leaf("rogue", CLIENT_DNAME, "rogue-ca", null, "EKU=clientAuth");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", certificates(caCert()).get(0));
    store(trust, trustStore());
  }

  /** A self-signed CA in {@code name.p12}, its certificate in {@code name.crt}. */
  private void ca(String name, String dname) throws Exception {
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
        "-ext", "bc:c", "-validity", "30", "-keystore", p12(name), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", p12(name), "-storepass", PASSWORD,
        "-file", dir.resolve(name + ".crt").toString());
  }

  /**
   * A key pair and a certificate signed by {@code issuer}: {@code name.crt} and {@code name.key}
   * (PEM) and {@code name.p12} (the key with the chain leaf, CA).
   */
  private void leaf(String name, String dname, String issuer, String san, String eku) throws Exception {
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
        "-validity", "30", "-keystore", p12(name), "-storetype", "PKCS12", "-storepass", PASSWORD);
    Path csr = dir.resolve(name + ".csr");
    keytool("-certreq", "-alias", name, "-keystore", p12(name), "-storepass", PASSWORD, "-file", csr.toString());
    List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", issuer, "-keystore", p12(issuer),
        "-storepass", PASSWORD, "-infile", csr.toString(), "-outfile", dir.resolve(name + ".crt").toString(),
        "-validity", "30", "-ext", eku));
    if (san != null) {
      sign.addAll(List.of("-ext", san));
    }
    keytool(sign.toArray(String[]::new));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(p12(name)))) {
      store.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
    Certificate leaf = certificates(dir.resolve(name + ".crt")).get(0);
    Certificate ca = certificates(dir.resolve(issuer + ".crt")).get(0);
    store.setKeyEntry(name, key, PASSWORD.toCharArray(), new Certificate[] {leaf, ca});
    store(store, Path.of(p12(name)));
    String pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    Files.writeString(dir.resolve(name + ".key"),
        "-----BEGIN PRIVATE KEY-----\n" + pem + "\n-----END PRIVATE KEY-----\n");
  }

  private String p12(String name) {
    return dir.resolve(name + ".p12").toString();
  }

  private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(pem)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  private static void store(KeyStore store, Path file) throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD.toCharArray());
    }
  }

  private void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + output);
    }
  }
}
