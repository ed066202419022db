package io.baton.kafka.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GETs on an admin port over real HTTP (the JDK's client) and reads of its Prometheus text. */
public final class AdminScrape {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** An answer: status and body. */
  public record Response(int status, String body) {
  }

  private AdminScrape() {
  }

  public static Response get(int port, String path) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  /** The value of the sample {@code name} whose labels include {@code labels}, or NaN if there is none. */
  public static double sample(String scrape, String name, Map<String, String> labels) {
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(scrape);
    while (m.find()) {
      String found = m.group(2) == null ? "" : m.group(2);
      if (labels.entrySet().stream().allMatch(e -> found.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
        return Double.parseDouble(m.group(3));
      }
    }
    return Double.NaN;
  }
}
