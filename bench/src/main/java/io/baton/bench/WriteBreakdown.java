package io.baton.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a Baton node's writes spend their time, from its admin port's Prometheus timers scraped
 * before and after a row: mean fsync of the transaction log, mean append-to-commit (the fsync plus
 * the hand-offs to and from the syncing thread) and mean apply, per write of the row.
 */
record WriteBreakdown(long writes, long fsyncs, double fsyncUs, double appendToCommitUs, double applyUs) {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String FSYNC = "baton_fsync_duration_seconds";
  private static final String COMMIT = "baton_write_append_to_commit_seconds";
  private static final String APPLY = "baton_write_apply_seconds";

  /** Sums and counts of the timers at one moment. */
  record Scrape(Map<String, Double> values) {
    double get(String series) {
      return values.getOrDefault(series, 0.0);
    }
  }

  static Scrape scrape(int adminPort) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    Map<String, Double> values = new HashMap<>();
    for (String line : r.body().split("\n")) {
      for (String metric : new String[] {FSYNC, COMMIT, APPLY}) {
        for (String part : new String[] {"_sum", "_count"}) {
          String name = metric + part;
          boolean txn = metric.equals(FSYNC) ? line.contains("log=\"txn\"") : true;
          if (line.startsWith(name) && txn && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')) {
            values.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
          }
        }
      }
    }
    return new Scrape(values);
  }

  static WriteBreakdown between(Scrape before, Scrape after) {
    long writes = Math.round(after.get(COMMIT + "_count") - before.get(COMMIT + "_count"));
    long fsyncs = Math.round(after.get(FSYNC + "_count") - before.get(FSYNC + "_count"));
    return new WriteBreakdown(writes, fsyncs, mean(before, after, FSYNC), mean(before, after, COMMIT),
        mean(before, after, APPLY));
  }

  private static double mean(Scrape before, Scrape after, String metric) {
    double count = after.get(metric + "_count") - before.get(metric + "_count");
    return count <= 0 ? 0 : (after.get(metric + "_sum") - before.get(metric + "_sum")) / count * 1e6;
  }
}
