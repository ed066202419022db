package io.baton.vertx.spi.cluster.impl;

import io.vertx.core.Future;
import io.vertx.core.VertxException;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The synchronous map Vert.x's HA manager keeps its deployment records in: a blocking view of a
 * {@link BatonAsyncMap}. Vert.x calls it from worker threads and from the cluster manager's listener
 * thread, never from an event loop; each call waits at most the client's request timeout.
 */
public final class BlockingMap<K, V> extends AbstractMap<K, V> {
  private final BatonAsyncMap<K, V> map;
  private final long timeoutMs;

  public BlockingMap(BatonAsyncMap<K, V> map, long timeoutMs) {
    this.map = map;
    this.timeoutMs = timeoutMs;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    return await(map.get((K) key));
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public V put(K key, V value) {
    return await(map.getAndPut(key, value));
  }

  @Override
  @SuppressWarnings("unchecked")
  public V remove(Object key) {
    return await(map.remove((K) key));
  }

  @Override
  public int size() {
    return await(map.size());
  }

  @Override
  public void clear() {
    await(map.clear());
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return new HashMap<>(await(map.entries())).entrySet();
  }

  private <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VertxException(e);
    } catch (ExecutionException e) {
      throw new VertxException(e.getCause());
    } catch (TimeoutException e) {
      throw new VertxException("no answer from Baton within " + timeoutMs + " ms", e);
    }
  }
}
