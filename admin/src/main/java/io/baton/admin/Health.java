package io.baton.admin;

import java.util.List;

/**
 * The checks an admin port serves: a node's ({@code NodeHealth}) or a Kafka bridge's. Each call
 * evaluates them anew and must not block (read published state, never wait on an owner thread);
 * every call returns the same names in the same order.
 */
public interface Health {
  /** The liveness checks ({@code /livez}): false means restart me. */
  List<Check> live();

  /** The readiness checks ({@code /readyz}, {@code /health}): the liveness ones and more. */
  List<Check> ready();
}
