package io.baton.vertx.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.util.Map;

/**
 * JSON of Baton's frames and message bodies, with Vert.x's streaming Jackson codec. Bodies hold plain
 * JSON values only (objects, arrays, strings, numbers, booleans, null), which that codec writes and
 * reads directly; the databind codec Vert.x picks whenever jackson-databind is on the class path (Avro
 * brings it) goes through generic map serializers (profiles of the owner thread at 64 requests in flight:
 * the bridge's JSON took 36% of its samples with that codec, 23% of a create row's with this one).
 */
public final class JsonWire {
  private static final JacksonCodec CODEC = new JacksonCodec();

  private JsonWire() {
  }

  /** The compact JSON of {@code value}; EncodeException if it holds something that is not a JSON value. */
  public static Buffer encode(Object value) throws EncodeException {
    return CODEC.toBuffer(value, false);
  }

  /** Any JSON value (an object comes back as a JsonObject, an array as a JsonArray). */
  public static Object decode(Buffer json) throws DecodeException {
    return CODEC.fromBuffer(json);
  }

  /** A JSON object; DecodeException if {@code json} is not one. */
  @SuppressWarnings("unchecked")
  public static JsonObject decodeObject(Buffer json) throws DecodeException {
    return new JsonObject((Map<String, Object>) CODEC.fromBuffer(json, Map.class));
  }
}
