package io.baton.vertx.client.recipes;

import io.baton.vertx.client.CoordinationClient;

/**
 * Typed coordination recipes on a {@link CoordinationClient}, in the style of Apache Curator's.
 * Each recipe is one or a few protocol commands decided on the node (docs/recipes.md), so a
 * process that only speaks the TCP bridge can use them too.
 *
 * <pre>{@code
 * Recipes recipes = Recipes.of(client);
 * recipes.mutex("orders").acquire(Duration.ofSeconds(5))
 *     .compose(grant -> writeWithFencingToken(grant.token()))
 *     .eventually(() -> recipes.mutex("orders").release());
 * }</pre>
 */
public final class Recipes {
  private final CoordinationClient client;

  private Recipes(CoordinationClient client) {
    this.client = client;
  }

  public static Recipes of(CoordinationClient client) {
    return new Recipes(client);
  }

  public Lock mutex(String name) {
    return new Lock(client, "mutex", name, 1, null);
  }

  public Lock readLock(String name) {
    return new Lock(client, "read", name, 1, null);
  }

  public Lock writeLock(String name) {
    return new Lock(client, "write", name, 1, null);
  }

  public Lock semaphore(String name, int permits) {
    return new Lock(client, "semaphore", name, permits, null);
  }

  public Election election(String name) {
    return new Election(client, name);
  }

  public Group group(String name) {
    return new Group(client, name);
  }

  public ServiceRegistry registry(String service) {
    return new ServiceRegistry(client, service);
  }

  public ConfigDocument config(String name) {
    return new ConfigDocument(client, name);
  }

  public Counter counter(String name) {
    return new Counter(client, name);
  }

  public Barrier barrier(String name) {
    return new Barrier(client, name);
  }

  public DoubleBarrier doubleBarrier(String name, int size) {
    return new DoubleBarrier(client, name, size);
  }

  public DistributedQueue queue(String name) {
    return new DistributedQueue(client, name);
  }
}
