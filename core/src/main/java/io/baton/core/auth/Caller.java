package io.baton.core.auth;

import java.util.HashSet;
import java.util.Set;

/**
 * Who sent a request: the identities of its session and of the connection that carried it (a
 * client certificate, the address). Faces build one per request and core decides with it.
 */
public record Caller(Set<Identity> identities) {
  /** A caller that proved nothing. */
  public static final Caller ANONYMOUS = new Caller(Set.of());

  public Caller {
    identities = Set.copyOf(identities);
  }

  /** This caller with {@code more} identities. */
  public Caller with(Set<Identity> more) {
    if (more.isEmpty()) {
      return this;
    }
    Set<Identity> all = new HashSet<>(identities);
    all.addAll(more);
    return new Caller(all);
  }

  /** Whether it authenticated at all (an address alone does not count). */
  public boolean authenticated() {
    return identities.stream().anyMatch(i -> !i.scheme().equals("ip"));
  }
}
