package io.baton.kafka;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;

/** Whether a failure is Baton or Kafka refusing the bridge's credentials, and how to say so. */
final class Refusals {
  private Refusals() {
  }

  /** Why Baton refused the bridge's session, for an authentication refusal; null for anything else. */
  static String baton(RuntimeException e, BatonAuth auth) {
    if (!(e instanceof BatonException be)) {
      return null;
    }
    if (be.code() == ErrorCode.SESSION_CLOSED_REQUIRE_AUTH) {
      return auth == null
          ? "Baton enforces authentication (enforceAuth) and the bridge has no credentials: set baton.auth ("
              + be.getMessage() + ")"
          : "Baton enforces authentication (enforceAuth) and refused the bridge's session authenticated as "
              + auth.user() + " (" + be.getMessage() + ")";
    }
    if (be.code() == ErrorCode.AUTH_FAILED) {
      return "Baton refused the bridge's credentials (baton.auth, " + (auth == null ? "none" : auth.user()) + "): "
          + be.getMessage();
    }
    return null;
  }

  /** Whether Kafka refused the bridge's SASL or TLS authentication (anywhere in the cause chain). */
  static boolean kafka(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.AuthenticationException) {
        return true;
      }
    }
    return false;
  }
}
