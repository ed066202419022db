package io.baton.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collections;
import java.util.Locale;

/**
 * Checks the certificate, key and keystore files named by TLS configuration before a listener is
 * started with them, so a bad file stops start-up with a message naming the configuration key and
 * the file rather than failing later, per connection, inside the TLS stack. Each check throws
 * {@link IllegalArgumentException} with that message.
 */
final class TlsFiles {
  private TlsFiles() {
  }

  /** {@code file} exists and is readable; returns its absolute path. {@code key} names it in messages. */
  static Path readable(String key, String file) {
    Path path = Path.of(file).toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(key + ": no such file " + path);
    }
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(key + ": cannot read " + path + " (permissions)");
    }
    return path;
  }

  /** The PEM file holds at least one X.509 certificate. */
  static void pemCertificates(String key, Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new IllegalArgumentException(key + ": " + path
            + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(key + ": " + path + " is not a PEM certificate file: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** The PEM file holds a private key (PKCS#8, or PKCS#1 RSA / SEC1 EC). */
  static void pemPrivateKey(String key, Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + path + ": " + e.getMessage(), e);
    }
    if (!text.matches("(?s).*-----BEGIN (RSA |EC )?PRIVATE KEY-----.*")) {
      throw new IllegalArgumentException(key + ": " + path + " holds no PEM private key"
          + " (-----BEGIN PRIVATE KEY-----, unencrypted; an encrypted key must be decrypted, or use a keystore)");
    }
  }

  /**
   * Opens the keystore with its password and checks that it holds a private key (readable with the
   * same password, as Vert.x reads it) when {@code needKey}, else at least one certificate.
   *
   * @param prefix the configuration keys' prefix, e.g. {@code bridgeTls.keyStore}
   */
  static void keyStore(String prefix, Path path, String type, String password, boolean needKey) {
    KeyStore store;
    try {
      store = KeyStore.getInstance(type);
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException(prefix + "Type: '" + type + "' is not a keystore type (PKCS12 or JKS)", e);
    }
    char[] secret = password.toCharArray();
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, secret);
    } catch (IOException e) {
      String why = e.getCause() instanceof UnrecoverableKeyException ? "wrong password" : e.getMessage();
      throw new IllegalArgumentException(prefix + "Path: cannot open " + path + " as a " + type + " keystore with "
          + prefix + "Password: " + why, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(prefix + "Path: cannot open " + path + " as a " + type + " keystore: "
          + e.getMessage(), e);
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (needKey && store.isKeyEntry(alias)) {
          store.getKey(alias, secret);
          return;
        }
        if (!needKey && store.isCertificateEntry(alias)) {
          return;
        }
      }
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException(prefix + "Path: the private key in " + path + " has another password than "
          + prefix + "Password", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(prefix + "Path: cannot read " + path + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(prefix + "Path: " + path + " holds no "
        + (needKey ? "private key entry" : "trusted certificate entry"));
  }

  /** The keystore type for a configured name: PKCS12 (the default) or JKS. */
  static String keyStoreType(String key, String configured) {
    String type = configured == null ? "PKCS12" : configured.toUpperCase(Locale.ROOT);
    if (!type.equals("PKCS12") && !type.equals("JKS")) {
      throw new IllegalArgumentException(key + ": '" + configured + "' is not PKCS12 or JKS");
    }
    return type;
  }
}
