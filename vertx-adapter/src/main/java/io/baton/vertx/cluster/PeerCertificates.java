package io.baton.vertx.cluster;

import io.vertx.core.net.NetSocket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Binds TLS peer links to member ids: a certificate presented on a peer link must name its node
 * with the common name {@code baton-node-<id>}, so a member's certificate cannot speak for another.
 */
final class PeerCertificates {
  static final String CN_PREFIX = "baton-node-";

  private PeerCertificates() {
  }

  /**
   * Why the certificate the other end of {@code socket} presented does not name node {@code id}, or
   * null if it does, or if none was presented (plain TCP, or TLS without client authentication).
   */
  static String mismatch(NetSocket socket, long id) {
    if (!socket.isSsl()) {
      return null;
    }
    List<Certificate> chain;
    try {
      chain = socket.peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate cert)) {
      return null;
    }
    String cn = commonName(cert);
    return (CN_PREFIX + id).equals(cn) ? null
        : "its TLS certificate (" + cert.getSubjectX500Principal().getName() + ") does not name " + CN_PREFIX + id;
  }

  private static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }
}
