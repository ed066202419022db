package io.baton.vertx.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus codec for Baton's requests and replies: on the wire it is the JSON object codec, but a
 * local delivery hands over the same object instead of a deep copy. Safe because neither side
 * changes a message object after sending it; it saves two copies per request on the local bus.
 */
public final class SharedJsonCodec implements MessageCodec<JsonObject, JsonObject> {
  /** Codec name to use in {@link DeliveryOptions#setCodecName}. */
  public static final String NAME = "baton-json";
  /** Delivery options that select this codec. */
  public static final DeliveryOptions OPTIONS = new DeliveryOptions().setCodecName(NAME);

  /** Registers the codec once per Vert.x instance. */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new SharedJsonCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another verticle or client of this Vert.x instance did it
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = JsonWire.encode(json);
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return JsonWire.decodeObject(buffer.slice(pos + 4, pos + 4 + length));
  }

  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
