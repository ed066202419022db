package io.baton.vertx.client;

import io.baton.vertx.api.Protocol;

/**
 * Settings of a {@link CoordinationClient}.
 *
 * @param address          the node's command address
 * @param sessionTimeoutMs requested session timeout; the node clamps it
 * @param requestTimeoutMs how long a request may wait for its reply
 */
public record ClientOptions(String address, int sessionTimeoutMs, long requestTimeoutMs) {

  public static ClientOptions defaults() {
    return new ClientOptions(Protocol.DEFAULT_ADDRESS, 10_000, 30_000);
  }

  public ClientOptions withSessionTimeout(int ms) {
    return new ClientOptions(address, ms, requestTimeoutMs);
  }

  public ClientOptions withAddress(String a) {
    return new ClientOptions(a, sessionTimeoutMs, requestTimeoutMs);
  }
}
