package io.baton.vertx.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GETs on a node's admin port over real HTTP (the JDK's client), and reads of Prometheus text. */
final class AdminHttp {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Response(int status, String body) {
  }

  private AdminHttp() {
  }

  static Response get(int port, String path) throws Exception {
    return get(port, path, null);
  }

  /** GET with HTTP Basic {@code user:password} (null: none). */
  static Response get(int port, String path, String basic) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (basic != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  /**
   * The value of the sample {@code name} whose labels include {@code labels} in a Prometheus text
   * scrape, or NaN if there is none.
   */
  static double sample(String scrape, String name, Map<String, String> labels) {
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(scrape);
    while (m.find()) {
      String found = m.group(2) == null ? "" : m.group(2);
      boolean all = labels.entrySet().stream().allMatch(e -> found.contains(e.getKey() + "=\"" + e.getValue() + "\""));
      if (all) {
        return Double.parseDouble(m.group(3));
      }
    }
    return Double.NaN;
  }
}
