package io.baton.core.auth;

import java.util.HashSet;
import java.util.Set;

/**
 * Who sent a request: the identities of its session and of the connection that carried it (a
 * client certificate, the address), and whether one of them is a super user (ACLs and the recipe
 * tree's protection do not apply). Faces get one from core ({@link ClientAuth#caller}) per request;
 * core's own writes (recipes, expiry, reaping) run as {@link #SYSTEM}. A follower forwards it with
 * the write to the leader, which checks ACLs with it.
 */
public record Caller(Set<Identity> identities, boolean superUser) {
  /** A caller that proved nothing. */
  public static final Caller ANONYMOUS = new Caller(Set.of(), false);
  /** Baton itself: the recipes, session expiry, container and TTL reaping. */
  public static final Caller SYSTEM = new Caller(Set.of(), true);

  public Caller {
    identities = Set.copyOf(identities);
  }

  /** A caller with {@code identities}, not super. */
  public Caller(Set<Identity> identities) {
    this(identities, false);
  }

  /** This caller with {@code more} identities. */
  public Caller with(Set<Identity> more) {
    if (more.isEmpty()) {
      return this;
    }
    Set<Identity> all = new HashSet<>(identities);
    all.addAll(more);
    return new Caller(all, superUser);
  }

  /** This caller as a super user. */
  public Caller asSuper() {
    return new Caller(identities, true);
  }

  /** Whether it authenticated at all (an address alone does not count). */
  public boolean authenticated() {
    return superUser || identities.stream().anyMatch(i -> !i.scheme().equals("ip"));
  }
}
