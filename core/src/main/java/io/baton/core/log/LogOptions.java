package io.baton.core.log;

import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;

/**
 * How the Chronicle Queue log is laid out on disk.
 *
 * @param rollCycle    how often Chronicle starts a new cycle file; retention deletes whole cycles
 * @param timeProvider clock that decides the cycle (tests move it to force rolls)
 */
public record LogOptions(RollCycle rollCycle, TimeProvider timeProvider) {

  public static LogOptions defaults() {
    return new LogOptions(RollCycles.FAST_HOURLY, null);
  }

  /** Parses a roll cycle name such as {@code FAST_HOURLY}, {@code FAST_DAILY} or {@code TEST_SECONDLY}. */
  public static RollCycle rollCycle(String name) {
    for (RollCycles r : RollCycles.values()) {
      if (r.name().equalsIgnoreCase(name)) {
        return r;
      }
    }
    for (TestRollCycles r : TestRollCycles.values()) {
      if (r.name().equalsIgnoreCase(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown roll cycle " + name);
  }
}
