package io.baton.admin.impl;

import io.baton.admin.AdminNode;
import io.baton.core.auth.Caller;
import io.baton.core.auth.ClientAuth;
import io.baton.core.auth.DigestCredentials;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Who calls the admin face, asked of core's {@link ClientAuth} as every face does: HTTP Basic
 * credentials are a ZooKeeper digest {@code user:password}, a client certificate on the TLS admin
 * port is the {@code x509} identity of its subject, the peer address the {@code ip} identity. With
 * {@code enforceAuth} the metrics and the API need a super identity (401 asking for Basic
 * credentials, 403 for a caller that is not super); without it anyone may call them. Either way
 * reads of the tree are checked against its ACLs as that caller.
 */
public final class AdminAccess {
  /** Where the caller is kept in the routing context. */
  static final String CALLER = "baton.caller";

  private final AdminNode node;

  public AdminAccess(AdminNode node) {
    this.node = node;
  }

  /** Passes an allowed caller on (kept under {@link #CALLER}); answers 401 or 403 otherwise. */
  public void requireAdmin(RoutingContext ctx) {
    Set<Identity> connection = connectionIdentities(ctx);
    String basic = basicCredentials(ctx.request().getHeader("Authorization"));
    OwnerCalls.call(node.owner(), () -> {
      ClientAuth auth = node.coordinator().auth();
      Set<Identity> all = new HashSet<>(connection);
      if (basic != null) {
        all.add(auth.authenticate(0, DigestCredentials.SCHEME, basic));
      }
      Caller caller = auth.caller(0, all);
      if (auth.access().config().enforceAuth() && !auth.access().isSuper(caller)) {
        return null;
      }
      return caller;
    }).onComplete(r -> {
      if (r.failed()) {
        String why = r.cause() instanceof BatonException e ? e.getMessage() : String.valueOf(r.cause());
        challenge(ctx, 401, "bad credentials: " + why);
      } else if (r.result() == null) {
        challenge(ctx, basic == null && !connection.stream().anyMatch(i -> i.scheme().equals("x509")) ? 401 : 403,
            "the node enforces authentication (enforceAuth): the admin face needs a super identity"
                + " (superDigest or superUsers), as HTTP Basic user:password or a client certificate");
      } else {
        ctx.put(CALLER, r.result());
        ctx.next();
      }
    });
  }

  private static void challenge(RoutingContext ctx, int status, String message) {
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"baton\", charset=\"UTF-8\"");
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message + "\n");
  }

  private static String basicCredentials(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      return new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static Set<Identity> connectionIdentities(RoutingContext ctx) {
    Set<Identity> out = new HashSet<>();
    SocketAddress remote = ctx.request().remoteAddress();
    if (remote != null && remote.hostAddress() != null) {
      out.add(new Identity("ip", remote.hostAddress()));
    }
    if (ctx.request().isSSL()) {
      try {
        List<Certificate> chain = ctx.request().connection().peerCertificates();
        if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate cert) {
          out.add(new Identity("x509", cert.getSubjectX500Principal().getName()));
        }
      } catch (SSLPeerUnverifiedException noCertificate) {
        // no client certificate: no x509 identity
      }
    }
    return out;
  }
}
