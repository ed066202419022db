package io.baton.core.auth;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.session.SessionSecrets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a face asks core about who a client is: whether it proves the session it names
 * ({@link SessionSecrets}), what identities it authenticated as ({@link SessionIdentities}) and what
 * it may do beyond ACLs ({@link AccessPolicy}). One per node; every face uses the same.
 */
public final class ClientAuth {
  private static final String X509_SCHEME = "x509";
  private static final String IP_SCHEME = "ip";
  /** Where each session's client connected from, for operators (the admin page); owner thread. */
  private final Map<Long, String> addresses = new HashMap<>();
  private final AccessPolicy access;
  private final SessionIdentities identities = new SessionIdentities();
  /** The identities of the connection each session was last served over (watch events go there). */
  private final Map<Long, Set<Identity>> connections = new HashMap<>();
  private volatile SessionSecrets secrets;

  public ClientAuth(AuthConfig config, SessionSecrets secrets) {
    this.access = new AccessPolicy(config);
    this.secrets = secrets;
  }

  /** Replaces the session key (a cluster member uses the cluster's, so that sessions resume on any member). */
  public void sessionSecrets(SessionSecrets s) {
    this.secrets = s;
  }

  /** The secret of session {@code sessionId}, which its client proves on every request. */
  public byte[] sessionSecret(long sessionId) {
    return secrets.secret(sessionId);
  }

  /** Whether {@code secret} is session {@code sessionId}'s. */
  public boolean provesSession(long sessionId, byte[] secret) {
    return secrets.proves(sessionId, secret);
  }

  /** Fails with AuthFailed unless {@code secret} is session {@code sessionId}'s. */
  public void checkSessionSecret(long sessionId, byte[] secret) {
    secrets.check(sessionId, secret);
  }

  public AccessPolicy access() {
    return access;
  }

  /** Authenticates {@code session} (0: only checks) with {@code credentials} of {@code scheme}; owner thread. */
  public Identity authenticate(long session, String scheme, String credentials) {
    return identities.authenticate(session, scheme, credentials);
  }

  /** Who sends a request in {@code session} over a connection that proved {@code connection}; owner thread. */
  public Caller caller(long session, Set<Identity> connection) {
    if (session != 0) {
      connections.put(session, connection);
    }
    return resolve(session, connection);
  }

  /**
   * Who receives {@code session}'s watch events: its identities over the connection it was last
   * served over (ZooKeeper checks an event against the connection's authInfo); owner thread.
   */
  public Caller watcher(long session) {
    return resolve(session, connections.getOrDefault(session, Set.of()));
  }

  private Caller resolve(long session, Set<Identity> connection) {
    Caller c = identities.caller(session, connection);
    return access.isSuper(c) ? c.asSuper() : c;
  }

  /**
   * Makes the x509 identities of the connection that opened (or resumed) {@code session} the session's
   * own (see {@link SessionIdentities#bind}) and remembers the client's address; owner thread.
   */
  public void sessionOpened(long session, Set<Identity> connection) {
    Set<Identity> certified = new HashSet<>();
    for (Identity i : connection) {
      if (i.scheme().equals(X509_SCHEME)) {
        certified.add(i);
      } else if (i.scheme().equals(IP_SCHEME)) {
        addresses.put(session, i.id());
      }
    }
    identities.bind(session, certified);
  }

  /** The address of the client that opened or resumed {@code session} on this node, or null; owner thread. */
  public String clientAddress(long session) {
    return addresses.get(session);
  }

  /**
   * The ACL of a node a recipe creates for {@code session} (a lock contender, a candidate, a member):
   * everything for each identity the session authenticated as, reading for everyone (recipe state is
   * meant to be observed); empty (open) for an anonymous session. Owner thread.
   */
  public List<Acl> ownerAcl(long session) {
    Set<Identity> own = identities.of(session);
    if (own.isEmpty()) {
      return List.of();
    }
    List<Acl> acl = new ArrayList<>(own.size() + 1);
    for (Identity i : own) {
      acl.add(new Acl(Perms.ALL, i));
    }
    acl.add(new Acl(Perms.READ, Acl.OPEN.id()));
    return acl;
  }

  /** Forgets an ended session's identities; owner thread. */
  public void sessionEnded(long session) {
    identities.remove(session);
    addresses.remove(session);
    connections.remove(session);
  }
}
