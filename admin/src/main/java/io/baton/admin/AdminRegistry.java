package io.baton.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The Prometheus registry an admin port of a Vert.x instance exports: the one Vert.x's own metrics
 * use when the instance was built by {@link AdminFace#vertxWithMetrics}, else one registry per
 * Vert.x instance. Whatever runs in that instance (the node's face, a Kafka bridge verticle) binds
 * its meters here, so one {@code /metrics} shows them all, whichever starts first.
 */
public final class AdminRegistry {
  private static final Map<Vertx, PrometheusMeterRegistry> OWN = Collections.synchronizedMap(new WeakHashMap<>());

  private AdminRegistry() {
  }

  /** The registry of {@code vertx}'s admin port. */
  public static PrometheusMeterRegistry of(Vertx vertx) {
    MeterRegistry shared = BackendRegistries.getNow(AdminFace.REGISTRY);
    if (shared instanceof PrometheusMeterRegistry p) {
      return p;
    }
    return OWN.computeIfAbsent(vertx, v -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }
}
