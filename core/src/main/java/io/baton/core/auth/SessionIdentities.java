package io.baton.core.auth;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.util.Collections;
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
  /** Most identities one session may hold; more {@code auth} calls are refused. */
  public static final int MAX_PER_SESSION = 16;
  /** Longest credentials accepted, in characters. */
  public static final int MAX_CREDENTIALS = 1024;
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
    if (credentials.length() > MAX_CREDENTIALS) {
      throw new BatonException(ErrorCode.AUTH_FAILED, "credentials longer than " + MAX_CREDENTIALS + " characters");
    }
    Identity identity = DigestCredentials.identity(credentials);
    if (session != 0) {
      Set<Identity> held = bySession.computeIfAbsent(session, k -> new LinkedHashSet<>());
      if (!held.contains(identity) && held.size() >= MAX_PER_SESSION) {
        throw new BatonException(ErrorCode.QUOTA_EXCEEDED, "session 0x" + Long.toHexString(session) + " already"
            + " holds " + MAX_PER_SESSION + " identities, the most one session may");
      }
      held.add(identity);
    }
    return identity;
  }

  /**
   * Binds identities a connection proved (a client certificate's x509 subject) to the session opened
   * over it, so that they stand for the session wherever it is used, as ZooKeeper's authInfo does.
   */
  public void bind(long session, Set<Identity> identities) {
    for (Identity i : identities) {
      Set<Identity> held = bySession.computeIfAbsent(session, k -> new LinkedHashSet<>());
      if (held.size() < MAX_PER_SESSION) {
        held.add(i);
      }
    }
  }

  /** The identities {@code session} authenticated as (empty if none). */
  public Set<Identity> of(long session) {
    Set<Identity> own = bySession.get(session);
    return own == null ? Set.of() : Collections.unmodifiableSet(own);
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
