package io.baton.vertx.client;

import io.baton.vertx.api.Protocol;

/**
 * Settings of a {@link CoordinationClient}.
 *
 * @param address          the node's command address
 * @param sessionTimeoutMs requested session timeout; the node clamps it
 * @param requestTimeoutMs how long a request may wait for its reply
 * @param tls              TLS for bridge connections, or null for plaintext (ignored on the local event bus)
 */
public record ClientOptions(String address, int sessionTimeoutMs, long requestTimeoutMs, ClientTls tls) {

  /** Plaintext options. */
  public ClientOptions(String address, int sessionTimeoutMs, long requestTimeoutMs) {
    this(address, sessionTimeoutMs, requestTimeoutMs, null);
  }

  public static ClientOptions defaults() {
    return new ClientOptions(Protocol.DEFAULT_ADDRESS, 10_000, 30_000);
  }

  public ClientOptions withSessionTimeout(int ms) {
    return new ClientOptions(address, ms, requestTimeoutMs, tls);
  }

  public ClientOptions withAddress(String a) {
    return new ClientOptions(a, sessionTimeoutMs, requestTimeoutMs, tls);
  }

  /** These options with bridge connections over TLS ({@code null}: plaintext). */
  public ClientOptions withTls(ClientTls t) {
    return new ClientOptions(address, sessionTimeoutMs, requestTimeoutMs, t);
  }
}
