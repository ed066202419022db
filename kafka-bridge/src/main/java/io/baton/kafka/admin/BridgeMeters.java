package io.baton.kafka.admin;

import io.baton.kafka.KafkaBridge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka bridge's meters, Prometheus names in base units, every one tagged {@code bridge} (the
 * bridge id): its state (one {@code baton_kafka_bridge_state} series per state, 1 for the current
 * one), lag in entries and seconds, records by topic, transactions committed and aborted, entries
 * per transaction, commit duration, write-to-Kafka latency of every entry, resyncs and ingress
 * commands by result. Counters and histograms are fed by the bridge's commit and abort callbacks on
 * its worker thread; gauges read its volatile state at scrape time. {@link #close} removes them all.
 */
public final class BridgeMeters {
  private static final Duration[] SECONDS = buckets(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
      2.5, 5, 10, 30, 60, 300);
  private static final double[] ENTRIES = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

  private final MeterRegistry registry;
  private final String bridgeId;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();
  private final Map<String, Counter> records = new ConcurrentHashMap<>();
  private final Map<String, Counter> commands = new ConcurrentHashMap<>();
  private final Counter committed;
  private final Counter aborted;
  private final Counter resyncs;
  private final DistributionSummary batch;
  private final Timer commit;
  private final Timer publishLag;

  /** Registers the bridge's meters in {@code registry} and starts counting its transactions. */
  public BridgeMeters(MeterRegistry registry, KafkaBridge bridge) {
    this.registry = registry;
    this.bridgeId = bridge.config().bridgeId();
    for (KafkaBridge.State s : KafkaBridge.State.values()) {
      keep(Gauge.builder("baton.kafka.bridge.state", bridge, b -> b.state() == s ? 1 : 0).tag("bridge", bridgeId)
          .tag("state", s.name()).description("1 for the bridge's current state, 0 for the others").register(registry));
    }
    keep(Gauge.builder("baton.kafka.lag.entries", bridge, b -> b.lagEntries() < 0 ? Double.NaN : b.lagEntries())
        .tag("bridge", bridgeId).description("Committed entries Baton has and Kafka not yet (NaN: unknown)")
        .register(registry));
    keep(Gauge.builder("baton.kafka.lag", bridge, b -> BridgeLag.millis(b, System.currentTimeMillis()) / 1e3)
        .tag("bridge", bridgeId).baseUnit("seconds")
        .description("Age of the oldest committed write not yet acknowledged by Kafka").register(registry));
    keep(Gauge.builder("baton.kafka.committed.zxid", bridge, KafkaBridge::committedZxid).tag("bridge", bridgeId)
        .description("zxid of the last entry published to Kafka").register(registry));
    this.committed = counter("baton.kafka.transactions.committed", "Kafka transactions committed");
    this.aborted = counter("baton.kafka.transactions.aborted",
        "Kafka transactions that did not commit (the bridge starts over from its checkpoint)");
    this.resyncs = counter("baton.kafka.resyncs", "Resyncs published (the log no longer held the checkpoint)");
    this.batch = keep(DistributionSummary.builder("baton.kafka.batch").baseUnit("entries").tag("bridge", bridgeId)
        .serviceLevelObjectives(ENTRIES).description("Log entries per Kafka transaction").register(registry));
    this.commit = keep(Timer.builder("baton.kafka.transaction.commit").tag("bridge", bridgeId)
        .serviceLevelObjectives(SECONDS).description("Kafka transaction duration, begin to acknowledged commit")
        .register(registry));
    this.publishLag = keep(Timer.builder("baton.kafka.publish.lag").tag("bridge", bridgeId)
        .serviceLevelObjectives(SECONDS)
        .description("Each entry's Baton commit (the write's acknowledgement) to Kafka's acknowledgement of its"
            + " transaction").register(registry));
    bridge.onCommit(this::committed);
    bridge.onAbort(e -> aborted.increment());
  }

  private void committed(KafkaBridge.CommitInfo info) {
    committed.increment();
    commit.record(info.txnNanos(), TimeUnit.NANOSECONDS);
    if (info.resync()) {
      resyncs.increment();
    } else {
      batch.record(info.entries());
    }
    info.topics().forEach((topic, n) -> records.computeIfAbsent(topic, t -> keep(Counter.builder("baton.kafka.records")
        .tag("bridge", bridgeId).tag("topic", t).description("Records published to Kafka, by topic")
        .register(registry))).increment(n));
    for (long time : info.entryTimes()) {
      publishLag.record(Math.max(0, info.ackMillis() - time), TimeUnit.MILLISECONDS);
    }
  }

  /** Counts an ingress command answered with {@code result} ({@code ok} or the error's name). */
  public void commandAnswered(String result) {
    commands.computeIfAbsent(result, r -> keep(Counter.builder("baton.kafka.ingress.commands").tag("bridge", bridgeId)
        .tag("result", r).description("Commands read from the commands topic and answered, by result")
        .register(registry))).increment();
  }

  /** Removes every meter it registered. */
  public void close() {
    registered.forEach(registry::remove);
    registered.clear();
  }

  private Counter counter(String name, String description) {
    return keep(Counter.builder(name).tag("bridge", bridgeId).description(description).register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    registered.add(meter);
    return meter;
  }

  private static Duration[] buckets(double... seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
    }
    return out;
  }
}
