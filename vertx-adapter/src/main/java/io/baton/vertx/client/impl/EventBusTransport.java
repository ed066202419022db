package io.baton.vertx.client.impl;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.api.SharedJsonCodec;
import io.baton.vertx.client.ClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Transport over the local (or clustered) Vert.x event bus. */
public final class EventBusTransport implements Transport {
  private final Vertx vertx;
  private final String address;
  private final DeliveryOptions delivery;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  public EventBusTransport(Vertx vertx, ClientOptions options) {
    this.vertx = vertx;
    this.address = options.address();
    SharedJsonCodec.register(vertx);
    this.delivery = new DeliveryOptions().setSendTimeout(options.requestTimeoutMs()).setCodecName(SharedJsonCodec.NAME);
  }

  @Override
  public Future<JsonObject> request(JsonObject body) {
    return request(body, delivery);
  }

  @Override
  public Future<JsonObject> request(JsonObject body, long timeoutMs) {
    return request(body, new DeliveryOptions().setSendTimeout(timeoutMs).setCodecName(SharedJsonCodec.NAME));
  }

  private Future<JsonObject> request(JsonObject body, DeliveryOptions options) {
    return vertx.eventBus().<JsonObject>request(address, body, options)
        .map(m -> m.body())
        .recover(t -> Future.failedFuture(translate(t)));
  }

  static Throwable translate(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return BatonException.fromReply(re.failureCode(), re.getMessage());
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new BatonException(ErrorCode.OPERATION_TIMEOUT, re.getMessage());
      }
      return new BatonException(ErrorCode.SYSTEM_ERROR, "no Baton node at the address: " + re.getMessage());
    }
    return t;
  }

  @Override
  public Future<Void> subscribe(String address, String secret, Handler<JsonObject> handler) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(address, m -> handler.handle(m.body()));
    consumers.add(c);
    return c.completion();
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    consumers.forEach(c -> all.add(c.unregister()));
    consumers.clear();
    return Future.all(all).mapEmpty();
  }
}
