package io.baton.vertx.impl;

import io.baton.core.auth.Identity;
import java.util.Set;

/**
 * A request message that knows what its connection proved (a client certificate, the peer address):
 * the client bridge's requests. Messages of the in-process event bus carry none.
 */
public interface ConnectionIdentities {
  /** The identities the connection that carried this request established. */
  Set<Identity> connectionIdentities();
}
