package io.baton.core.auth;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The identities each session authenticated as on this node (ZooKeeper's {@code addAuthInfo}). Kept
 * in memory, not logged: a client that moves to another node authenticates there again, as
 * ZooKeeper's client does after a reconnect. Owner thread only.
 */
public final class SessionIdentities {
  private final Map<Long, Set<Identity>> bySession = new HashMap<>();

  /**
   * Checks {@code credentials} in {@code scheme} and, for a session, adds the identity they prove.
   * Only {@code digest} ({@code user:password}) is given by credentials; {@code x509} and {@code ip}
   * come from the connection.
   */
  public Identity authenticate(long session, String scheme, String credentials) {
    if (!DigestCredentials.SCHEME.equals(scheme)) {
      throw new BatonException(ErrorCode.AUTH_FAILED, "unknown authentication scheme '" + scheme + "': credentials"
          + " are given for digest (user:password); x509 comes from the client certificate");
    }
    Identity identity = DigestCredentials.identity(credentials);
    if (session != 0) {
      bySession.computeIfAbsent(session, k -> new LinkedHashSet<>()).add(identity);
    }
    return identity;
  }

  /** The caller of a request in {@code session} (0: none) over a connection that proved {@code connection}. */
  public Caller caller(long session, Set<Identity> connection) {
    Set<Identity> own = session == 0 ? null : bySession.get(session);
    Caller c = new Caller(connection);
    return own == null ? c : c.with(own);
  }

  /** Forgets an ended session. */
  public void remove(long session) {
    bySession.remove(session);
  }
}
