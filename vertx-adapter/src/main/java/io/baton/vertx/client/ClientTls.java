package io.baton.vertx.client;

import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;

/**
 * TLS for a client's bridge connections ({@link ClientOptions#withTls}). Every connection, failover
 * included, is a TLS connection that checks the node's certificate against {@code trust} and, unless
 * turned off, that it names the host connected to (a DNS or IP subject alternative name, as HTTPS
 * checks; issue node certificates with {@code SAN=IP:...} for clients that connect by address).
 *
 * @param trust          the CA (or certificates) the node's certificate must chain to, as Vert.x
 *                       trust options ({@link PemTrustOptions}, a PKCS12/JKS {@code KeyStoreOptions});
 *                       null for the JVM's default trust store
 * @param keyCert        the client certificate and key, for nodes that ask for one; null for none
 * @param verifyHostname whether the node's certificate must name the host connected to
 */
public record ClientTls(TrustOptions trust, KeyCertOptions keyCert, boolean verifyHostname) {

  /** TLS trusting the CA certificate(s) in a PEM file, with hostname verification, no client certificate. */
  public static ClientTls trusting(String caPemPath) {
    return new ClientTls(new PemTrustOptions().addCertPath(caPemPath), null, true);
  }

  /** The same, presenting the client certificate and key of these PEM files. */
  public ClientTls withClientCertificate(String certPemPath, String keyPemPath) {
    return withKeyCert(new PemKeyCertOptions().setCertPath(certPemPath).setKeyPath(keyPemPath));
  }

  /** The same, presenting this client certificate (PEM files or a keystore). */
  public ClientTls withKeyCert(KeyCertOptions options) {
    return new ClientTls(trust, options, verifyHostname);
  }

  /** The same without checking that the node's certificate names the host connected to. */
  public ClientTls withoutHostnameVerification() {
    return new ClientTls(trust, keyCert, false);
  }
}
