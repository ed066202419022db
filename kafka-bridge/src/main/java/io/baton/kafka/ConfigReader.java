package io.baton.kafka;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed reads of one object of the bridge's configuration: an unknown key or a value of the wrong
 * type fails with an {@link IllegalArgumentException} naming it (with its path, e.g. {@code topics.event}),
 * so a typo does not silently leave a default in place.
 */
final class ConfigReader {
  private final JsonObject json;
  private final String prefix;

  ConfigReader(JsonObject json, String prefix, Set<String> known) {
    this.json = json;
    this.prefix = prefix;
    Set<String> unknown = new TreeSet<>(json.fieldNames());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown bridge configuration key " + name(unknown.iterator().next())
          + "; known here: " + new TreeSet<>(known));
    }
  }

  String string(String key, String def) {
    Object v = json.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof String s)) {
      throw bad(key, "a string", v);
    }
    return s;
  }

  int int32(String key, int def) {
    long v = int64(key, def);
    if (v != (int) v) {
      throw bad(key, "a 32-bit number", v);
    }
    return (int) v;
  }

  long int64(String key, long def) {
    Object v = json.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue()) {
      throw bad(key, "a whole number", v);
    }
    return n.longValue();
  }

  boolean bool(String key, boolean def) {
    Object v = json.getValue(key);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      throw bad(key, "true or false", v);
    }
    return b;
  }

  /** The object at {@code key} (empty if absent). */
  JsonObject object(String key) {
    Object v = json.getValue(key);
    if (v == null) {
      return new JsonObject();
    }
    if (!(v instanceof JsonObject o)) {
      throw bad(key, "an object", v);
    }
    return o;
  }

  /** The object at {@code key}, or null if absent. */
  JsonObject objectOrNull(String key) {
    return json.getValue(key) == null ? null : object(key);
  }

  /** The array at {@code key}, or null if absent. */
  JsonArray array(String key) {
    Object v = json.getValue(key);
    if (v != null && !(v instanceof JsonArray)) {
      throw bad(key, "an array", v);
    }
    return (JsonArray) v;
  }

  /** A nested object's reader: {@code key}'s keys must be among {@code known}. */
  ConfigReader nested(String key, Set<String> known) {
    return new ConfigReader(object(key), prefix + key + ".", known);
  }

  private String name(String key) {
    return "'" + prefix + key + "'";
  }

  private IllegalArgumentException bad(String key, String what, Object v) {
    return new IllegalArgumentException("bridge configuration key " + name(key) + " must be " + what + ", was "
        + (v instanceof String s ? "'" + s + "'" : v));
  }
}
