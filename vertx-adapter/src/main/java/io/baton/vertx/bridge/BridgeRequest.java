package io.baton.vertx.bridge;

import io.baton.core.auth.Identity;
import io.baton.vertx.impl.ConnectionIdentities;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Set;

/**
 * A request read from a bridge connection, handed to the command handler as the event-bus message
 * it would otherwise be: its reply is written straight to the connection, in the same turn of the
 * event loop when the handler answers at once, so a connection's replies are bounded as they are
 * produced. A second reply is ignored.
 */
final class BridgeRequest implements Message<Object>, ConnectionIdentities {
  private final BridgeConnection connection;
  private final String address;
  private final String replyAddress;
  private final Object body;
  private final boolean opensSession;
  private boolean answered;

  BridgeRequest(BridgeConnection connection, String address, String replyAddress, Object body,
                boolean opensSession) {
    this.connection = connection;
    this.address = address;
    this.replyAddress = replyAddress;
    this.body = body;
    this.opensSession = opensSession;
  }

  @Override
  public Set<Identity> connectionIdentities() {
    return connection.identities();
  }

  /** Whether this request is an {@code openSession} (its reply names a session of the connection). */
  boolean opensSession() {
    return opensSession;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap();
  }

  @Override
  public Object body() {
    return body;
  }

  @Override
  public String replyAddress() {
    return replyAddress;
  }

  @Override
  public boolean isSend() {
    return true;
  }

  @Override
  public void reply(Object message, DeliveryOptions options) {
    if (!answered) {
      answered = true;
      connection.answered(this, message);
    }
  }

  @Override
  public <R> Future<Message<R>> replyAndRequest(Object message, DeliveryOptions options) {
    reply(message, options);
    return Future.failedFuture("the bridge does not take replies to replies");
  }
}
