package io.baton.tls;

import io.vertx.core.net.NetSocket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/** What a connection's client certificate proves: its subject, the {@code x509} identity of its client. */
public final class PeerCertificates {
  private PeerCertificates() {
  }

  /** The subject (RFC 2253) of the client certificate of a TLS connection, or null (plaintext, no certificate). */
  public static String x509Subject(NetSocket socket) {
    if (!socket.isSsl()) {
      return null;
    }
    try {
      List<Certificate> chain = socket.peerCertificates();
      return chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate cert
          ? cert.getSubjectX500Principal().getName() : null;
    } catch (SSLPeerUnverifiedException noCertificate) {
      return null;
    }
  }
}
