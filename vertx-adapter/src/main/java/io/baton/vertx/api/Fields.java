package io.baton.vertx.api;

import io.baton.core.error.BatonException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/** Typed access to request fields; a missing or wrong-typed field is a {@code BadArguments} error. */
public final class Fields {
  private final JsonObject json;

  public Fields(JsonObject json) {
    this.json = json;
  }

  public String string(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      throw BatonException.badArguments("missing field '" + name + "'");
    }
    if (!(v instanceof String s)) {
      throw wrongType(name, "a string", v);
    }
    return s;
  }

  public String optString(String name, String def) {
    return json.getValue(name) == null ? def : string(name);
  }

  public int optInt(String name, int def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() > Integer.MAX_VALUE || n.longValue() < Integer.MIN_VALUE) {
      throw wrongType(name, "a 32-bit integer", v);
    }
    return n.intValue();
  }

  public long optLong(String name, long def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw wrongType(name, "an integer", v);
    }
    return n.longValue();
  }

  public boolean has(String name) {
    return json.getValue(name) != null;
  }

  public double optDouble(String name, double def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Number n)) {
      throw wrongType(name, "a number", v);
    }
    return n.doubleValue();
  }

  /** A JSON value given either as a JSON object/array or as a JSON string; required. */
  public String jsonText(String name) {
    String t = jsonTextOrNull(name);
    if (t == null) {
      throw BatonException.badArguments("missing field '" + name + "'");
    }
    return t;
  }

  /** As {@link #jsonText}, null when absent. */
  public String jsonTextOrNull(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonObject o) {
      return o.encode();
    }
    if (v instanceof JsonArray a) {
      return a.encode();
    }
    if (v instanceof String s) {
      return s;
    }
    throw wrongType(name, "a JSON object or a JSON string", v);
  }

  public boolean optBool(String name, boolean def) {
    Object v = json.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Boolean b)) {
      throw wrongType(name, "a boolean", v);
    }
    return b;
  }

  /**
   * The session id in {@code "session"}, a hex string ({@code "0x1a2b"}); 0 when absent. A JSON
   * number is refused: it cannot carry every 64-bit id exactly.
   */
  public long session() {
    Object v = json.getValue("session");
    if (v == null) {
      return 0;
    }
    if (v instanceof String s) {
      try {
        return Protocol.parseHex(s);
      } catch (NumberFormatException e) {
        throw BatonException.badArguments("field 'session' is not a hex session id: '" + s + "'");
      }
    }
    throw wrongType("session", "a hex string", v);
  }

  /** The session secret in {@code "secret"} (hex, as openSession returned it); null when absent. */
  public byte[] secret() {
    Object v = json.getValue("secret");
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw wrongType("secret", "a hex string", v);
    }
    try {
      return java.util.HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new BatonException(io.baton.core.error.ErrorCode.AUTH_FAILED, "field 'secret' is not hex");
    }
  }

  /** Node data: {@code "data"} as base64, or {@code "text"} as UTF-8; empty when both are absent. */
  public byte[] data() {
    Object text = json.getValue("text");
    if (text != null) {
      if (!(text instanceof String s)) {
        throw wrongType("text", "a string", text);
      }
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    Object v = json.getValue("data");
    if (v == null) {
      return new byte[0];
    }
    if (!(v instanceof String s)) {
      throw wrongType("data", "a base64 string", v);
    }
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw BatonException.badArguments("field 'data' is not valid base64");
    }
  }

  public JsonArray array(String name) {
    Object v = json.getValue(name);
    if (v == null) {
      throw BatonException.badArguments("missing field '" + name + "'");
    }
    if (!(v instanceof JsonArray a)) {
      throw wrongType(name, "an array", v);
    }
    return a;
  }

  private static BatonException wrongType(String name, String expected, Object v) {
    return BatonException.badArguments("field '" + name + "' must be " + expected + ", got "
        + (v instanceof JsonObject ? "an object" : v.getClass().getSimpleName() + " " + v));
  }
}
