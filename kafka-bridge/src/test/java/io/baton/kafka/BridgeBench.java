package io.baton.kafka;

import static io.baton.kafka.support.InProcess.await;

import io.baton.core.tree.CreateMode;
import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Kafka bridge benchmark against a real local broker (child process, see {@code KafkaFixture}) and
 * an in-process Baton node (durability {@code group}):
 * <ol>
 *   <li>throughput: N setData entries (100 B) are written first, then the bridge starts and
 *       catches up from the log; events/s = entries published / time from first to last commit;</li>
 *   <li>lag: the bridge runs live while writers issue a fixed 10,000 setData/s; for each write, the
 *       time from Baton's reply to the write (the commit, as the writer sees it) to the Kafka
 *       transaction holding its record being acknowledged; p50/p99/max.</li>
 * </ol>
 * Run: {@code mvn -o -q test-compile exec:exec -pl kafka-bridge} (options: {@code -Dbench.entries=200000
 * -Dbench.rate=10000 -Dbench.seconds=20 -Dbench.out=file}, system properties of the forked JVM, see the
 * pom). The bench module's {@code Compare} runs it too and adds its report to the comparison.
 */
public final class BridgeBench {
  private BridgeBench() {
  }

  public static void main(String[] args) throws Exception {
    int entries = Integer.getInteger("bench.entries", 200_000);
    int rate = Integer.getInteger("bench.rate", 10_000);
    int seconds = Integer.getInteger("bench.seconds", 20);
    int warmup = Integer.getInteger("bench.warmup", 3);
    byte[] data = new byte[100];
    java.util.Arrays.fill(data, (byte) 'x');

    long t0 = System.nanoTime();
    KafkaFixture kafka = KafkaFixture.shared();
    System.out.printf("broker (%s) ready in %.1f s at %s%n", kafka.isDocker() ? "container" : "child process",
        (System.nanoTime() - t0) / 1e9, kafka.bootstrap());
    Path dir = Files.createTempDirectory("baton-bridge-bench-");
    List<String> report = new ArrayList<>();
    try (InProcess node = new InProcess().startNode(dir.resolve("data"), new JsonObject().put("durability", "group"))) {
      List<CoordinationClient> writers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        writers.add(node.client());
      }
      CoordinationClient c = writers.get(0);
      for (int n = 0; n < 1000; n++) {
        await(c.create("/bench-" + n, data, CreateMode.PERSISTENT));
      }

      // ---- 1. throughput: catch up a backlog
      List<Future<?>> inflight = new ArrayList<>();
      long w0 = System.nanoTime();
      for (int i = 0; i < entries; i++) {
        inflight.add(writers.get(i % writers.size()).setData("/bench-" + (i % 1000), data, -1));
        if (inflight.size() >= 512) {
          await(Future.all(inflight));
          inflight.clear();
        }
      }
      await(Future.all(inflight));
      inflight.clear();
      double writeSecs = (System.nanoTime() - w0) / 1e9;
      long head = node.zxid(c);
      System.out.printf("backlog: %,d entries written to Baton in %.1f s%n", entries, writeSecs);

      // for reference: the entry stream alone (no Kafka), the bridge's input
      AtomicLong seen = new AtomicLong();
      AtomicLong seenZxid = new AtomicLong();
      long s0 = System.nanoTime();
      var stream = await(c.openEntryStream(0, entry -> {
        seen.incrementAndGet();
        seenZxid.set(entry.get(0).zxid());
      }));
      InProcess.waitFor(() -> seenZxid.get() >= head, Duration.ofMinutes(5), () -> "stream");
      double streamSecs = (System.nanoTime() - s0) / 1e9;
      await(stream.close());
      String st = String.format("entry stream alone (local event bus, no Kafka): %,d entries in %.2f s = %.0f entries/s",
          seen.get(), streamSecs, seen.get() / streamSecs);
      System.out.println(st);
      report.add(st);

      JsonObject config = KafkaFixture.bridgeConfig("bench-" + System.currentTimeMillis());
      String producerExtra = System.getProperty("bench.producer", "");
      for (String kv : producerExtra.split(",")) {
        if (kv.contains("=")) {
          config.getJsonObject("producer").put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      if (System.getProperty("bench.lingerMs") != null) {
        config.put("lingerMs", Long.getLong("bench.lingerMs"));
      }
      if (System.getProperty("bench.maxBatchEntries") != null) {
        config.put("maxBatchEntries", Integer.getInteger("bench.maxBatchEntries"));
      }
      AtomicLong firstAck = new AtomicLong();
      AtomicLong firstEntries = new AtomicLong();
      AtomicLong lastAck = new AtomicLong();
      AtomicLong txns = new AtomicLong();
      AtomicLong records = new AtomicLong();
      long b0 = System.nanoTime();
      KafkaBridgeVerticle bridge = node.startBridge(config);
      bridge.bridge().onCommit(info -> {
        if (firstAck.compareAndSet(0, info.ackNanos())) {
          firstEntries.set(info.entries());
        }
        lastAck.set(info.ackNanos());
        txns.incrementAndGet();
        records.addAndGet(info.records());
      });
      InProcess.waitFor(() -> bridge.bridge().committedZxid() >= head, Duration.ofMinutes(10),
          () -> "catch-up " + bridge.status());
      double total = (System.nanoTime() - b0) / 1e9;
      double steady = (lastAck.get() - firstAck.get()) / 1e9;
      long steadyEntries = bridge.status().getLong("entries") - firstEntries.get();
      String tp = String.format("throughput (catch-up from the log): %,d entries / %,d records into Kafka in %.2f s "
              + "from deploy (%.0f events/s); between first and last commit %.0f events/s; %d transactions, "
              + "%.0f entries each", bridge.status().getLong("entries"), records.get(), total,
          bridge.status().getLong("entries") / total, steadyEntries / steady, txns.get(),
          (double) bridge.status().getLong("entries") / txns.get());
      System.out.println(tp);
      report.add(tp);

      // ---- 2. lag at a fixed rate
      Map<Long, Long> replied = new ConcurrentHashMap<>();
      Histogram lag = new Histogram(60_000_000L, 3);
      AtomicLong measuring = new AtomicLong(Long.MAX_VALUE);
      AtomicLong missed = new AtomicLong();
      bridge.bridge().onCommit(info -> {
        for (long z : info.zxids()) {
          Long t = replied.remove(z);
          if (t == null) {
            continue;
          }
          if (t >= measuring.get()) {
            lag.recordValue(Math.max(0, (info.ackNanos() - t) / 1_000));
          }
        }
      });
      long start = System.nanoTime();
      long end = start + (long) (warmup + seconds) * 1_000_000_000L;
      measuring.set(start + (long) warmup * 1_000_000_000L);
      long issued = 0;
      AtomicLong failed = new AtomicLong();
      AtomicLong completed = new AtomicLong();
      while (System.nanoTime() < end) {
        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
        while (issued < due) {
          CoordinationClient w = writers.get((int) (issued % writers.size()));
          w.setData("/bench-" + (issued % 1000), data, -1).onComplete(r -> {
            if (r.succeeded()) {
              replied.put(r.result().mzxid(), System.nanoTime());
              completed.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          });
          issued++;
        }
        Thread.sleep(1);
      }
      double issueSecs = (System.nanoTime() - start) / 1e9;
      long last = node.zxid(c);
      InProcess.waitFor(() -> bridge.bridge().committedZxid() >= last, Duration.ofMinutes(2), () -> "drain");
      missed.set(replied.size());
      String lg = String.format("lag at %,d events/s for %d s (+%d s warm-up; %,d writes issued at %.0f/s, "
              + "%d failed): Baton write ack -> Kafka transaction ack p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
              + "max %.1f ms (%,d samples; %d replies seen after their commit)", rate, seconds, warmup, issued,
          issued / issueSecs, failed.get(), lag.getValueAtPercentile(50) / 1000.0,
          lag.getValueAtPercentile(90) / 1000.0, lag.getValueAtPercentile(99) / 1000.0, lag.getMaxValue() / 1000.0,
          lag.getTotalCount(), missed.get());
      System.out.println(lg);
      report.add(lg);
      report.add("bridge status after the run: " + bridge.status().encode());
      node.stopBridge();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    Path out = Path.of(System.getProperty("bench.out", "target/bridge-bench.txt"));
    Files.createDirectories(out.getParent());
    Files.write(out, report);
    System.out.println("written to " + out.toAbsolutePath());
    System.exit(0);
  }
}
