package io.baton.admin;

import io.vertx.core.http.HttpServerOptions;

/**
 * Where and how the admin face listens.
 *
 * @param host          the address it binds to
 * @param port          its port (0: any free one)
 * @param server        HTTP server options, with TLS when {@code adminTls} is configured
 * @param readyMaxLag   {@code /readyz} fails while more committed entries than this wait to be applied
 * @param kafkaStatus   event-bus address of a Kafka bridge's status in this JVM (asked, never required)
 */
public record AdminOptions(String host, int port, HttpServerOptions server, long readyMaxLag, String kafkaStatus) {
  /** Default of {@code readyMaxLag}. */
  public static final long DEFAULT_READY_MAX_LAG = 1000;
  /** The Kafka bridge's default status address. */
  public static final String DEFAULT_KAFKA_STATUS = "baton.kafka.status";

  /** Plain HTTP on {@code host:port} with the defaults. */
  public static AdminOptions plain(String host, int port) {
    return new AdminOptions(host, port, new HttpServerOptions(), DEFAULT_READY_MAX_LAG, DEFAULT_KAFKA_STATUS);
  }

  /** Whether the listener uses TLS. */
  public boolean tls() {
    return server.isSsl();
  }
}
