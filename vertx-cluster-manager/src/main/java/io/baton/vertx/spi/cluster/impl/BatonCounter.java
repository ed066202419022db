package io.baton.vertx.spi.cluster.impl;

import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.shareddata.Counter;

/**
 * A cluster-wide counter: Baton's counter recipe ({@code /baton/counters/<name>}), atomic on the Baton node.
 * Reads are retried across a failover; an add or compare-and-set whose answer is lost to a failover fails
 * with ConnectionLoss (it may or may not have been applied), as repeating it could apply it twice.
 */
public final class BatonCounter implements Counter {
  private final Connection connection;
  private final CallerContext caller;
  private final String name;

  public BatonCounter(Connection connection, CallerContext caller, String name) {
    this.connection = connection;
    this.caller = caller;
    this.name = name;
  }

  @Override
  public Future<Long> get() {
    return caller.on(Retry.onConnectionLoss(connection, () -> counter().get()));
  }

  @Override
  public Future<Long> incrementAndGet() {
    return addAndGet(1);
  }

  @Override
  public Future<Long> getAndIncrement() {
    return getAndAdd(1);
  }

  @Override
  public Future<Long> decrementAndGet() {
    return addAndGet(-1);
  }

  @Override
  public Future<Long> addAndGet(long value) {
    return caller.on(counter().add(value));
  }

  @Override
  public Future<Long> getAndAdd(long value) {
    return caller.on(counter().add(value).map(now -> now - value));
  }

  @Override
  public Future<Boolean> compareAndSet(long expected, long value) {
    return caller.on(counter().compareAndSet(expected, value));
  }

  private io.baton.vertx.client.recipes.Counter counter() {
    return Recipes.of(connection.client()).counter(name);
  }
}
