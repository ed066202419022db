package io.baton.vertx.impl;

import io.baton.core.auth.Identity;
import io.baton.core.error.ErrorCode;
import io.baton.core.server.NodeObserver;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.Set;

/**
 * A request handed on with a stopwatch: its first answer reports the op, the result ({@code ok} or
 * the error's ZooKeeper name) and the time since it arrived to the node's {@link NodeObserver}.
 * Everything else is the wrapped message's, including what its connection proved.
 */
final class TimedRequest implements Message<Object>, ConnectionIdentities {
  private final Message<Object> request;
  private final NodeObserver observer;
  private final long start = System.nanoTime();
  private String op = "unknown";
  private boolean answered;

  TimedRequest(Message<Object> request, NodeObserver observer) {
    this.request = request;
    this.observer = observer;
  }

  /** Names the request's op once it is parsed. */
  void op(String name) {
    this.op = name;
  }

  @Override
  public Set<Identity> connectionIdentities() {
    return request instanceof ConnectionIdentities c ? c.connectionIdentities() : Set.of();
  }

  @Override
  public String address() {
    return request.address();
  }

  @Override
  public MultiMap headers() {
    return request.headers();
  }

  @Override
  public Object body() {
    return request.body();
  }

  @Override
  public String replyAddress() {
    return request.replyAddress();
  }

  @Override
  public boolean isSend() {
    return request.isSend();
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    answered(message instanceof ReplyException e ? ErrorCode.of(e.failureCode()).displayName() : "ok");
    request.reply(message, options);
  }

  @Override
  public void fail(int failureCode, String message) {
    answered(ErrorCode.of(failureCode).displayName());
    request.fail(failureCode, message);
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    answered("ok");
    return request.replyAndRequest(message, options);
  }

  private void answered(String result) {
    if (!answered) {
      answered = true;
      observer.request(op, result, System.nanoTime() - start);
    }
  }
}
