package io.baton.vertx.bridge;

import io.vertx.core.buffer.Buffer;
import io.baton.vertx.api.JsonWire;
import io.vertx.core.json.JsonObject;

/** The frames the bridge sends, shaped as Vert.x's TCP event-bus bridge shapes them. */
final class BridgeFrames {
  private static final JsonObject NO_HEADERS = new JsonObject();

  private BridgeFrames() {
  }

  /** A message to {@code address}: a reply ({@code send} true) or a notification. */
  static Buffer message(String address, Object body, boolean send) {
    return encode(new JsonObject().put("type", "message").put("address", address).put("headers", NO_HEADERS)
        .put("body", body).put("send", send));
  }

  /** A failed request: its reply address, the address it was sent to, the failure. */
  static Buffer failure(String replyAddress, String sourceAddress, int code, String failureType, String message) {
    return encode(new JsonObject().put("type", "err").put("address", replyAddress).put("sourceAddress", sourceAddress)
        .put("failureCode", code).put("failureType", failureType).put("message", message));
  }

  /** An error about the connection or a frame that names no reply address. */
  static Buffer error(String message) {
    return encode(new JsonObject().put("type", "err").put("message", message));
  }

  static Buffer pong() {
    return encode(new JsonObject().put("type", "pong"));
  }

  private static Buffer encode(JsonObject frame) {
    Buffer json = JsonWire.encode(frame);
    return Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json);
  }
}
