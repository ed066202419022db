package io.baton.bench;

import io.baton.core.tree.CreateMode;
import io.baton.vertx.CoordinatorVerticle;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Single-node benchmark over the local event bus: setData and getData with 100-byte values and 64
 * requests in flight for each durability policy, heap after GC with 1,000,000 znodes, and restart
 * time with 1,000,000 log entries. Prints a Markdown table. {@code --quick} shortens every phase.
 */
public final class LocalBench {
  private static final int IN_FLIGHT = 64;
  private static final int KEYS = 1_000;
  private static final byte[] VALUE = new byte[100];

  private final Vertx vertx = Vertx.vertx();
  private final long measureMs;
  private final long warmupMs;
  private final int heapNodes;

  private LocalBench(boolean quick, int heapNodes) {
    this.measureMs = quick ? 5_000 : 20_000;
    this.warmupMs = quick ? 2_000 : 5_000;
    this.heapNodes = heapNodes;
  }

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    int heapNodes = 1_000_000;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--quick")) {
        quick = true;
      } else if (args[i].equals("--heap-nodes")) {
        heapNodes = Integer.parseInt(args[++i]);
      }
    }
    new LocalBench(quick, heapNodes).run();
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "Baton single-node benchmark: %d cores, %s, Java %s, 100-byte values, %d in flight"
        + ", local event bus%n%n", Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("java.version"), IN_FLIGHT);
    System.out.println("| workload | durability | ops/s | p50 ms | p99 ms | p99.9 ms | max ms |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|");
    for (String durability : new String[] {"none", "group"}) {
      Path dir = Files.createTempDirectory("baton-bench");
      String id = deploy(dir, durability, 100_000);
      CoordinationClient client = get(onContext(() -> CoordinationClient.connect(vertx, ClientOptions.defaults())));
      for (int i = 0; i < KEYS; i++) {
        get(client.create("/k" + i, VALUE, CreateMode.PERSISTENT));
      }
      measure(client, "setData", durability, n -> client.setData("/k" + (n % KEYS), VALUE, -1));
      measure(client, "getData", durability, n -> client.getData("/k" + (n % KEYS), false));
      get(client.close());
      get(vertx.undeploy(id));
      deleteTree(dir);
    }
    heapAndRestart();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private void measure(CoordinationClient client, String name, String durability,
                       Function<Long, Future<?>> op) throws Exception {
    run(op, warmupMs, new Histogram(TimeUnit.SECONDS.toNanos(10), 3));
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    long ops = run(op, measureMs, h);
    System.out.printf(Locale.ROOT, "| %s | %s | %,d | %.3f | %.3f | %.3f | %.3f |%n", name, durability,
        ops * 1000 / measureMs, ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
  }

  /** Keeps IN_FLIGHT requests outstanding for durationMs on one context; returns completed ops. */
  private long run(Function<Long, Future<?>> op, long durationMs, Histogram histogram) throws Exception {
    return run(op, durationMs, Long.MAX_VALUE, histogram);
  }

  /** As above, but stops issuing after maxOps requests. */
  private long run(Function<Long, Future<?>> op, long durationMs, long maxOps, Histogram histogram)
      throws Exception {
    Context ctx = vertx.getOrCreateContext();
    Promise<Long> done = Promise.promise();
    ctx.runOnContext(v -> {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
      long[] state = new long[3]; // issued, completed, active
      Runnable[] issue = new Runnable[1];
      issue[0] = () -> {
        if (System.nanoTime() >= end || state[0] >= maxOps) {
          if (--state[2] == 0) {
            done.complete(state[1]);
          }
          return;
        }
        long n = state[0]++;
        long start = System.nanoTime();
        op.apply(n).onComplete(r -> {
          histogram.recordValue(Math.min(System.nanoTime() - start, histogram.getHighestTrackableValue()));
          if (r.succeeded()) {
            state[1]++;
          }
          issue[0].run();
        });
      };
      state[2] = IN_FLIGHT;
      for (int i = 0; i < IN_FLIGHT; i++) {
        issue[0].run();
      }
    });
    return get(done.future());
  }

  private void heapAndRestart() throws Exception {
    Path dir = Files.createTempDirectory("baton-bench-heap");
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    String id = deploy(dir, "none", 0);
    CoordinationClient client = get(onContext(() -> CoordinationClient.connect(vertx, ClientOptions.defaults())));
    long baseline = usedAfterGc(mem);
    long start = System.nanoTime();
    get(client.create("/heap", new byte[0], CreateMode.PERSISTENT));
    run(n -> client.create(String.format("/heap/n-%010d", n), VALUE, CreateMode.PERSISTENT),
        TimeUnit.HOURS.toMillis(1), heapNodes, new Histogram(TimeUnit.SECONDS.toNanos(60), 2));
    long loadMs = (System.nanoTime() - start) / 1_000_000;
    long used = usedAfterGc(mem);
    JsonObject info = get(client.request(new JsonObject().put("op", "info")));
    System.out.printf(Locale.ROOT, "%nHeap after GC with %,d znodes of 100 bytes: %.1f MiB in use (%.1f MiB above the"
            + " empty node's %.1f MiB); created in %.1f s (%,d creates/s)%n", info.getLong("nodes"),
        used / 1048576.0, (used - baseline) / 1048576.0, baseline / 1048576.0, loadMs / 1000.0,
        heapNodes * 1000L / Math.max(1, loadMs));
    get(client.close());
    get(vertx.undeploy(id));

    long t0 = System.nanoTime();
    String again = deploy(dir, "none", 0);
    long replayMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(Locale.ROOT, "Restart replaying %,d log entries (no snapshot): %,d ms%n",
        info.getLong("zxid") & 0xffffffffL, replayMs);
    CoordinationClient c2 = get(onContext(() -> CoordinationClient.connect(vertx, ClientOptions.defaults())));
    get(c2.request(new JsonObject().put("op", "snapshot")));
    get(c2.close());
    get(vertx.undeploy(again));
    long t1 = System.nanoTime();
    String third = deploy(dir, "none", 0);
    System.out.printf(Locale.ROOT, "Restart from a snapshot of %,d znodes: %,d ms%n", info.getLong("nodes"),
        (System.nanoTime() - t1) / 1_000_000);
    get(vertx.undeploy(third));
    deleteTree(dir);
  }

  private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return mem.getHeapMemoryUsage().getUsed();
  }

  private String deploy(Path dir, String durability, long snapshotEvery) throws Exception {
    JsonObject config = new JsonObject().put("dataDir", dir.toString()).put("durability", durability)
        .put("snapshotEveryEntries", snapshotEvery);
    return get(vertx.deployVerticle(new CoordinatorVerticle(), new DeploymentOptions().setConfig(config)));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> f) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> f.get().onComplete(p));
    return p.future();
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  private static void deleteTree(Path p) throws Exception {
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
