package io.baton.vertx.config;

import io.baton.core.auth.Identity;
import io.baton.core.limit.Limits;
import io.baton.core.server.Durability;
import io.baton.zookeeper.ZooKeeperPortOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Every key a node's configuration (verticle JSON, {@code --config}) may hold, with a check of its
 * value. {@link #check} refuses an unknown key (naming the closest known one) or a value of the
 * wrong type or range with an {@link IllegalArgumentException} naming the key, before anything
 * starts: a typo must not start a node with a default in its place.
 */
public final class NodeConfigKeys {
  private static final Map<String, Consumer<Object>> KEYS = new LinkedHashMap<>();

  static {
    string("address");
    string("dataDir");
    string("cluster");
    string("clusterConfig");
    string("bridgeHost");
    string("zkHost");
    string("adminHost");
    string("superDigest");
    KEYS.put("zk4lwWhitelist", v -> ZooKeeperPortOptions.whitelist(requireString("zk4lwWhitelist", v)));
    KEYS.put("durability", v -> {
      String s = requireString("durability", v);
      try {
        Durability.parse(s);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("durability must be group, none or always, was '" + s + "'");
      }
    });
    KEYS.put("rollCycle", v -> requireString("rollCycle", v));
    number("nodeId", 1, 255);
    number("bridgePort", 0, 65_535);
    number("zkPort", -1, 65_535);
    number("adminPort", -1, 65_535);
    number("adminReadyMaxLag", 0, Long.MAX_VALUE);
    number("groupCommitMs", 0, 60_000);
    number("minSessionTimeoutMs", 1, Integer.MAX_VALUE);
    number("maxSessionTimeoutMs", 1, Integer.MAX_VALUE);
    number("tickMs", 1, 60_000);
    number("snapshotEveryEntries", 0, Long.MAX_VALUE);
    number("snapshotsRetained", 1, 1_000);
    for (String limit : Limits.KEYS) {
      number(limit, 0, Long.MAX_VALUE);
    }
    bool("enforceAuth");
    bool("bridgePlain");
    KEYS.put("superUsers", v -> {
      if (!(v instanceof JsonArray a)) {
        throw new IllegalArgumentException("superUsers must be an array of scheme:id strings");
      }
      for (Object o : a) {
        if (!(o instanceof String s)) {
          throw new IllegalArgumentException("superUsers must be an array of scheme:id strings, held " + o);
        }
        try {
          Identity.parse(s);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("superUsers: " + e.getMessage());
        }
      }
    });
    object("bridgeTls");
    object("adminTls");
    object("zkTls");
    object("peerServerOptions");
    object("peerClientOptions");
  }

  private NodeConfigKeys() {
  }

  /** Fails naming the first unknown key or bad value of {@code config}. */
  public static void check(JsonObject config) {
    for (String key : new TreeSet<>(config.fieldNames())) {
      Consumer<Object> check = KEYS.get(key);
      if (check == null) {
        String near = closest(key);
        throw new IllegalArgumentException("unknown configuration key '" + key + "'"
            + (near == null ? "" : " (did you mean '" + near + "'?)") + "; the keys are listed in README.md");
      }
      check.accept(config.getValue(key));
    }
  }

  /** The known keys. */
  public static Set<String> keys() {
    return KEYS.keySet();
  }

  private static void string(String key) {
    KEYS.put(key, v -> requireString(key, v));
  }

  private static String requireString(String key, Object v) {
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(key + " must be a string, was " + describe(v));
    }
    return s;
  }

  private static void number(String key, long min, long max) {
    KEYS.put(key, v -> {
      if (!(v instanceof Number n) || n.doubleValue() != n.longValue()) {
        throw new IllegalArgumentException(key + " must be a whole number, was " + describe(v));
      }
      if (n.longValue() < min || n.longValue() > max) {
        throw new IllegalArgumentException(key + " must be in " + min + ".." + max + ", was " + n.longValue());
      }
    });
  }

  private static void bool(String key) {
    KEYS.put(key, v -> {
      if (!(v instanceof Boolean)) {
        throw new IllegalArgumentException(key + " must be true or false, was " + describe(v));
      }
    });
  }

  private static void object(String key) {
    KEYS.put(key, v -> {
      if (!(v instanceof JsonObject)) {
        throw new IllegalArgumentException(key + " must be an object, was " + describe(v));
      }
    });
  }

  private static String describe(Object v) {
    return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
  }

  /** The known key within two edits of {@code key} (case ignored), or null. */
  private static String closest(String key) {
    String best = null;
    int bestDistance = 3;
    for (String known : KEYS.keySet()) {
      int d = distance(key.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
