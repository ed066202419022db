package io.baton.kafka.admin;

import io.baton.admin.Check;
import io.baton.admin.Health;
import io.baton.kafka.KafkaBridge;
import java.util.ArrayList;
import java.util.List;

/**
 * A Kafka bridge's checks. Liveness: {@code bridge} (deployed, not stopped, not fenced),
 * {@code worker} (the publishing loop went round within {@value #WORKER_STUCK_SECONDS} s: every Kafka
 * and Baton call it makes is bounded by a timeout well below that) and {@code event_loop} (the
 * verticle's event loop ran its one-second timer within 5 s). Readiness adds {@code state}
 * ({@code RUNNING}: connected to Baton and Kafka, publishing) and {@code lag} (the oldest write not
 * yet in Kafka, {@link BridgeLag}, at most {@code adminReadyMaxLagMs}). Reads published state only.
 */
public final class BridgeHealth implements Health {
  static final long WORKER_STUCK_SECONDS = 300;
  private static final long EVENT_LOOP_STALE_NANOS = 5_000_000_000L;

  private final KafkaBridge bridge;
  private final long readyMaxLagMs;
  private volatile long loopBeat = System.nanoTime();

  public BridgeHealth(KafkaBridge bridge, long readyMaxLagMs) {
    this.bridge = bridge;
    this.readyMaxLagMs = readyMaxLagMs;
  }

  /** Called by the verticle's event loop every second. */
  void beat() {
    loopBeat = System.nanoTime();
  }

  @Override
  public List<Check> live() {
    List<Check> out = new ArrayList<>();
    KafkaBridge.State state = bridge.state();
    out.add(state == KafkaBridge.State.STOPPED ? Check.failed("bridge", "the bridge is stopped")
        : state == KafkaBridge.State.FENCED ? Check.failed("bridge", "Kafka refused the bridge for good (another"
            + " instance with the same bridge id took over, or its ACLs): " + bridge.status().getString("lastError"))
        : Check.ok("bridge"));
    long now = System.nanoTime();
    long worker = (now - bridge.lastBeatNanos()) / 1_000_000_000L;
    out.add(worker > WORKER_STUCK_SECONDS ? Check.failed("worker", "the publishing loop has not gone round for "
        + worker + " s") : Check.ok("worker"));
    long loop = now - loopBeat;
    out.add(loop > EVENT_LOOP_STALE_NANOS ? Check.failed("event_loop", "the bridge's event loop has not run for "
        + loop / 1_000_000 + " ms") : Check.ok("event_loop"));
    return out;
  }

  @Override
  public List<Check> ready() {
    List<Check> out = live();
    KafkaBridge.State state = bridge.state();
    if (state == KafkaBridge.State.RUNNING) {
      out.add(Check.ok("state"));
    } else {
      long since = bridge.unavailableSinceMillis();
      String error = bridge.status().getString("lastError");
      out.add(Check.failed("state", state + (since > 0 ? " for " + (System.currentTimeMillis() - since) / 1000
          + " s" : "") + (error == null ? "" : ": " + error)));
    }
    long lag = BridgeLag.millis(bridge, System.currentTimeMillis());
    out.add(lag > readyMaxLagMs ? Check.failed("lag", "the oldest write not in Kafka yet is " + lag + " ms old"
        + " (adminReadyMaxLagMs " + readyMaxLagMs + ")") : Check.ok("lag"));
    return out;
  }
}
