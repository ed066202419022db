package io.baton.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load: {@code inFlight} slots, slot i bound to session {@code i % sessions}, each
 * issuing its next request from the completion of the previous one (on whatever thread the client
 * completes it). Requests completing inside the measurement window (after the warm-up) are counted
 * and their latency recorded; a slot stops at the end of the window, after {@code maxOps} requests in
 * all, or at its first failure (failures are counted and reported, never hidden).
 */
final class Load {
  /** Issues request number {@code n} on session {@code session}; calls {@code done} exactly once. */
  interface Op {
    void issue(int session, long n, Done done);
  }

  interface Done {
    void done(boolean ok);
  }

  /** Completed requests in the window, the window's length, failures, latency in nanoseconds. */
  record Result(long ops, double seconds, long errors, boolean capped, Histogram latency) {
    double opsPerSec() {
      return seconds <= 0 ? 0 : ops / seconds;
    }

    double ms(double percentile) {
      return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e6;
    }
  }

  private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);

  private Load() {
  }

  static Result run(int sessions, int inFlight, long warmupMs, long measureMs, long maxOps, Op op)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long windowStart = t0 + TimeUnit.MILLISECONDS.toNanos(warmupMs);
    long windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMs);
    AtomicLong issued = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong lastDone = new AtomicLong(windowStart);
    Recorder recorder = new Recorder(HIGHEST_NS, 3);
    CountDownLatch finished = new CountDownLatch(inFlight);
    AtomicBoolean capped = new AtomicBoolean();

    final class Slot implements Done {
      private final int session;
      private long start;

      Slot(int session) {
        this.session = session;
      }

      void next() {
        long now = System.nanoTime();
        if (now >= windowEnd) {
          finished.countDown();
          return;
        }
        long n = issued.getAndIncrement();
        if (n >= maxOps) {
          capped.set(true);
          finished.countDown();
          return;
        }
        start = now;
        try {
          op.issue(session, n, this);
        } catch (RuntimeException e) {
          errors.incrementAndGet();
          finished.countDown();
        }
      }

      @Override
      public void done(boolean success) {
        long now = System.nanoTime();
        if (!success) {
          errors.incrementAndGet();
          finished.countDown();
          return;
        }
        if (now >= windowStart && now < windowEnd) {
          recorder.recordValue(Math.min(now - start, HIGHEST_NS));
          ok.incrementAndGet();
          lastDone.accumulateAndGet(now, Math::max);
        }
        next();
      }
    }

    for (int i = 0; i < inFlight; i++) {
      new Slot(i % sessions).next();
    }
    if (!finished.await(warmupMs + measureMs + 120_000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("requests still outstanding two minutes after the end of the phase");
    }
    boolean wasCapped = capped.get();
    long windowNs = wasCapped ? lastDone.get() - windowStart : windowEnd - windowStart;
    return new Result(ok.get(), windowNs / 1e9, errors.get(), wasCapped, recorder.getIntervalHistogram());
  }
}
