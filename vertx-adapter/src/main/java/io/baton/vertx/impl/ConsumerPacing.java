package io.baton.vertx.impl;

/**
 * Whether the consumers of an event-bus address (a session's notification address) take more
 * messages now. The client bridge answers for the connections that registered the address; local
 * event-bus consumers are in-process and trusted, so an address only they consume is always ready.
 */
public interface ConsumerPacing {
  /** Every address is always ready. */
  ConsumerPacing NONE = new ConsumerPacing() {
    @Override
    public boolean ready(String address) {
      return true;
    }

    @Override
    public void whenReady(String address, Runnable action) {
      action.run();
    }
  };

  /** True when every consumer of {@code address} can take more now. */
  boolean ready(String address);

  /** Runs {@code action} once, on the owner's context, when {@code address} is ready (now if it is). */
  void whenReady(String address, Runnable action);
}
