package io.baton.kafka.admin;

import io.baton.kafka.KafkaBridge;

/**
 * How far a bridge is behind Baton in time: the age of the oldest committed write not yet
 * acknowledged by Kafka, measured from Baton's commit time of its entry (the node's clock) to now.
 * That entry is the one being published or first in the queue; while the bridge cannot read (Kafka
 * or Baton down, the queue dropped) and entries wait, it is at least the outage's length. 0 when
 * nothing waits.
 */
public final class BridgeLag {
  private BridgeLag() {
  }

  /** The lag in milliseconds at {@code nowMillis}. */
  public static long millis(KafkaBridge bridge, long nowMillis) {
    long oldest = bridge.oldestPendingMillis();
    if (oldest > 0) {
      return Math.max(0, nowMillis - oldest);
    }
    long since = bridge.unavailableSinceMillis();
    return since > 0 && bridge.lagEntries() != 0 ? Math.max(0, nowMillis - since) : 0;
  }
}
