package io.baton.core.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds session expiry after the owner thread did not run for a while (a long GC pause, a slow sync, a
 * stopped process). Pings that arrived meanwhile are still queued behind the tick, so a deadline that
 * passed during the stall says nothing about the client: expiry waits as long as the stall lasted,
 * which lets those pings through first. Stalls are measured on the monotonic clock, deadlines on the
 * node's clock.
 */
final class ExpiryHold {
  private static final Logger LOG = LoggerFactory.getLogger(ExpiryHold.class);
  /** A gap between ticks this much longer than the tick period counts as a stall. */
  static final long STALL_MS = 500;

  private final long tickMs;
  private long lastTickNanos;
  private long heldUntil = Long.MIN_VALUE;

  /** Starts measuring from now: create it when the ticks start. */
  ExpiryHold(long tickMs) {
    this.tickMs = tickMs;
    this.lastTickNanos = System.nanoTime();
  }

  /** Called by every tick with the node's clock; false while sessions must not be expired. */
  boolean mayExpire(long now) {
    long nanos = System.nanoTime();
    long late = (nanos - lastTickNanos) / 1_000_000 - tickMs;
    lastTickNanos = nanos;
    if (late > STALL_MS) {
      heldUntil = Math.max(heldUntil, now + late);
      LOG.warn("the owner thread did not run for {} ms; session expiry waits as long for pings queued meanwhile",
          late);
    }
    return now >= heldUntil;
  }
}
