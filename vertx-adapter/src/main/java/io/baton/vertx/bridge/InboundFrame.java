package io.baton.vertx.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.baton.vertx.api.JsonWire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * One frame a client sent, checked: {@code type} is one of {@code send}, {@code publish},
 * {@code register}, {@code unregister}, {@code ping}; every type but {@code ping} names an
 * {@code address}; {@code replyAddress} is a string; {@code headers} an object of strings, numbers
 * or booleans (accepted for compatibility with Vert.x's bridge, otherwise unused).
 *
 * @param replyAddress where a {@code send} wants its reply, or null
 * @param body         the {@code body} value as sent (a request is normally a JSON object), or null
 * @param headers      the {@code headers} as sent, or null ({@code register} of a session's address carries
 *                     the session's {@code secret} there)
 */
record InboundFrame(String type, String address, String replyAddress, Object body, JsonObject headers) {

  /** A frame that cannot be served; {@code replyAddress} is where its sender waits for an answer, if known. */
  static final class Malformed extends Exception {
    private final String replyAddress;
    private final String sourceAddress;

    Malformed(String reason, String replyAddress, String sourceAddress) {
      super(reason, null, false, false);
      this.replyAddress = replyAddress;
      this.sourceAddress = sourceAddress;
    }

    String replyAddress() {
      return replyAddress;
    }

    String sourceAddress() {
      return sourceAddress;
    }
  }

  /** Decodes and checks a frame's JSON. */
  static InboundFrame parse(Buffer json) throws Malformed {
    Object decoded;
    try {
      decoded = JsonWire.decode(json);
    } catch (DecodeException e) {
      throw new Malformed("invalid_json: " + firstLine(e), null, null);
    }
    if (!(decoded instanceof JsonObject frame)) {
      throw new Malformed("invalid_frame: a frame must be a JSON object, got "
          + (decoded == null ? "null" : decoded instanceof JsonArray ? "an array" : decoded.getClass().getSimpleName()),
          null, null);
    }
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    Object reply = frame.getValue("replyAddress");
    String replyAddress = reply instanceof String r ? r : null;
    String target = address instanceof String a ? a : null;
    if (reply != null && replyAddress == null) {
      throw new Malformed("invalid_frame: 'replyAddress' must be a string", null, target);
    }
    if (!(type instanceof String t) || !isKnown(t)) {
      throw new Malformed("unknown_type: 'type' must be send, publish, register, unregister or ping, got "
          + describe(type), replyAddress, target);
    }
    if (t.equals("ping")) {
      return new InboundFrame(t, null, null, null, null);
    }
    if (address == null) {
      throw new Malformed("missing_address: a '" + t + "' frame needs an 'address'", replyAddress, null);
    }
    if (target == null || target.isEmpty()) {
      throw new Malformed("invalid_address: 'address' must be a non-empty string, got " + describe(address),
          replyAddress, null);
    }
    Object headers = frame.getValue("headers");
    if (headers != null) {
      if (!(headers instanceof JsonObject h)) {
        throw new Malformed("invalid_headers: 'headers' must be an object, got " + describe(headers), replyAddress,
            target);
      }
      for (Map.Entry<String, Object> e : h) {
        Object v = e.getValue();
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
          throw new Malformed("invalid_headers: header '" + e.getKey() + "' must be a string, got " + describe(v),
              replyAddress, target);
        }
      }
    }
    return new InboundFrame(t, target, replyAddress, frame.getValue("body"), (JsonObject) headers);
  }

  private static boolean isKnown(String type) {
    return switch (type) {
      case "send", "publish", "register", "unregister", "ping" -> true;
      default -> false;
    };
  }

  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    String text = String.valueOf(v);
    return v.getClass().getSimpleName() + " " + (text.length() > 64 ? text.substring(0, 64) + "..." : text);
  }

  private static String firstLine(DecodeException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String m = String.valueOf(cause.getMessage());
    int nl = m.indexOf('\n');
    String line = nl < 0 ? m : m.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
