package io.baton.vertx.spi.cluster.impl;

import io.baton.core.error.ErrorCode;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.txn.Op;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A cluster-wide map: each entry is a node {@code <prefix>/maps/<map>/<key>} whose data is the value
 * ({@link ValueCodec}); conditional operations are compare-and-set on the node's version, retried when
 * another writer got in first. An entry put with a TTL is a Baton TTL node: it is removed by the
 * ordering Baton node once the TTL has passed, checked every {@code tickMs} (100 ms by default), so an
 * entry lives between its TTL and its TTL plus one tick. Overwriting an entry re-creates its node, in
 * one multi conditioned on the version read: a TTL node cannot become a plain one, and a stat does not
 * tell a TTL node from a plain one (ZooKeeper hides the marker from clients). Futures complete on the
 * caller's context.
 */
public final class BatonAsyncMap<K, V> implements AsyncMap<K, V> {
  private final Connection connection;
  private final CallerContext caller;
  private final String dir;

  public BatonAsyncMap(Connection connection, CallerContext caller, String dir) {
    this.connection = connection;
    this.caller = caller;
    this.dir = dir;
  }

  @Override
  public Future<V> get(K k) {
    return caller.on(retry(() -> read(path(k)).map(d -> d == null ? null : ValueCodec.<V>decode(d.data()))));
  }

  @Override
  public Future<Void> put(K k, V v) {
    return put(k, v, 0);
  }

  @Override
  public Future<Void> put(K k, V v, long ttl) {
    return caller.on(retry(() -> write(path(k), ValueCodec.encode(v), checkTtl(ttl))));
  }

  @Override
  public Future<V> putIfAbsent(K k, V v) {
    return putIfAbsent(k, v, 0);
  }

  @Override
  public Future<V> putIfAbsent(K k, V v, long ttl) {
    return caller.on(retry(() -> putIfAbsent(path(k), ValueCodec.encode(v), checkTtl(ttl))));
  }

  @Override
  public Future<V> remove(K k) {
    String path = path(k);
    return caller.on(retry(() -> update(path, d -> true, d -> delete(path, d.stat()),
        d -> ValueCodec.<V>decode(d.data()), null)));
  }

  @Override
  public Future<Boolean> removeIfPresent(K k, V v) {
    String path = path(k);
    return caller.on(retry(() -> update(path, d -> Objects.equals(ValueCodec.decode(d.data()), v),
        d -> delete(path, d.stat()), d -> true, false)));
  }

  @Override
  public Future<V> replace(K k, V v) {
    return replace(k, v, 0);
  }

  @Override
  public Future<V> replace(K k, V v, long ttl) {
    String path = path(k);
    byte[] data = ValueCodec.encode(v);
    long t = checkTtl(ttl);
    return caller.on(retry(() -> update(path, d -> true, d -> overwrite(path, d.stat(), data, t),
        d -> ValueCodec.<V>decode(d.data()), null)));
  }

  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue) {
    return replaceIfPresent(k, oldValue, newValue, 0);
  }

  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue, long ttl) {
    String path = path(k);
    byte[] data = ValueCodec.encode(newValue);
    long t = checkTtl(ttl);
    return caller.on(retry(() -> update(path, d -> Objects.equals(ValueCodec.decode(d.data()), oldValue),
        d -> overwrite(path, d.stat(), data, t), d -> true, false)));
  }

  @Override
  public Future<Void> clear() {
    return caller.on(retry(() -> names().compose(names -> {
      CoordinationClient c = connection.client();
      List<Future<Void>> deletes = new ArrayList<>();
      for (String name : names) {
        deletes.add(c.delete(dir + "/" + name, -1).recover(t -> ignore(t, ErrorCode.NO_NODE, null)));
      }
      return Future.all(deletes).mapEmpty();
    })));
  }

  @Override
  public Future<Integer> size() {
    return caller.on(retry(() -> names().map(List::size)));
  }

  @Override
  public Future<Set<K>> keys() {
    return caller.on(retry(() -> names().map(names -> {
      Set<K> keys = new HashSet<>();
      for (String name : names) {
        keys.add(ValueCodec.decode(Layout.unsegment(name)));
      }
      return keys;
    })));
  }

  @Override
  public Future<List<V>> values() {
    return caller.on(retry(() -> entries(new HashMap<>()).map(m -> new ArrayList<>(m.values()))));
  }

  @Override
  public Future<Map<K, V>> entries() {
    return caller.on(retry(() -> entries(new HashMap<>())));
  }

  /** Puts {@code v} and completes with the value it replaced (null if none), as {@code Map.put} does. */
  Future<V> getAndPut(K k, V v) {
    String path = path(k);
    byte[] data = ValueCodec.encode(v);
    return retry(() -> getAndPut(path, data));
  }

  private Future<V> getAndPut(String path, byte[] data) {
    return read(path).compose(d -> {
      Future<Void> written = d == null
          ? connection.client().create(path, data, CreateMode.PERSISTENT, 0, true).mapEmpty()
          : overwrite(path, d.stat(), data, 0);
      return written.map(x -> d == null ? (V) null : ValueCodec.<V>decode(d.data()))
          .recover(t -> retryable(t) ? getAndPut(path, data) : Future.failedFuture(t));
    });
  }

  /** The entries; an entry removed while they are read is left out. */
  Future<Map<K, V>> entries(Map<K, V> into) {
    return names().compose(names -> {
      List<Future<Void>> reads = new ArrayList<>();
      for (String name : names) {
        reads.add(read(dir + "/" + name).map(d -> {
          if (d != null) {
            synchronized (into) {
              into.put(ValueCodec.decode(Layout.unsegment(name)), ValueCodec.decode(d.data()));
            }
          }
          return null;
        }));
      }
      return Future.all(reads).map(into);
    });
  }

  private <T> Future<T> retry(java.util.function.Supplier<Future<T>> op) {
    return Retry.onConnectionLoss(connection, op);
  }

  private Future<List<String>> names() {
    return connection.client().getChildren(dir, false).map(ch -> ch.names())
        .recover(t -> ignore(t, ErrorCode.NO_NODE, List.of()));
  }

  private Future<NodeData> read(String path) {
    return connection.client().getData(path, false).recover(t -> ignore(t, ErrorCode.NO_NODE, null));
  }

  private Future<Void> write(String path, byte[] data, long ttl) {
    CoordinationClient c = connection.client();
    return c.create(path, data, mode(ttl), ttl, true).<Void>mapEmpty().recover(t -> {
      if (!Errors.is(t, ErrorCode.NODE_EXISTS)) {
        return Future.failedFuture(t);
      }
      return read(path).compose(d -> d == null ? write(path, data, ttl)
          : overwrite(path, d.stat(), data, ttl).recover(u -> retryable(u) ? write(path, data, ttl)
              : Future.failedFuture(u)));
    });
  }

  private Future<V> putIfAbsent(String path, byte[] data, long ttl) {
    return connection.client().create(path, data, mode(ttl), ttl, true).map(p -> (V) null).recover(t -> {
      if (!Errors.is(t, ErrorCode.NODE_EXISTS)) {
        return Future.failedFuture(t);
      }
      return read(path).compose(d -> d == null ? putIfAbsent(path, data, ttl)
          : Future.succeededFuture(ValueCodec.decode(d.data())));
    });
  }

  /**
   * Reads the entry and, if present and {@code test} holds, applies {@code change} conditioned on the
   * version read (again from the read when another writer got in first); completes with {@code result} of
   * what was read, or {@code otherwise} when absent or the test fails.
   */
  private <R> Future<R> update(String path, java.util.function.Predicate<NodeData> test,
                               Function<NodeData, Future<Void>> change, Function<NodeData, R> result, R otherwise) {
    return read(path).compose(d -> {
      if (d == null || !test.test(d)) {
        return Future.succeededFuture(otherwise);
      }
      return change.apply(d).map(v -> result.apply(d))
          .recover(t -> retryable(t) ? update(path, test, change, result, otherwise) : Future.failedFuture(t));
    });
  }

  private Future<Void> delete(String path, Stat stat) {
    return connection.client().delete(path, stat.version());
  }

  /**
   * Replaces an entry at the version read by a node with {@code ttl} (0: none). A setData would keep a
   * TTL node's TTL, and the entry would expire although put without one.
   */
  private Future<Void> overwrite(String path, Stat stat, byte[] data, long ttl) {
    return connection.client().multi(List.of(new Op.Delete(path, stat.version()),
        new Op.Create(path, data, mode(ttl), ttl, false))).mapEmpty();
  }

  private String path(K k) {
    return dir + "/" + Layout.segment(ValueCodec.encode(k));
  }

  private static boolean retryable(Throwable t) {
    return Errors.is(t, ErrorCode.BAD_VERSION) || Errors.is(t, ErrorCode.NO_NODE)
        || Errors.is(t, ErrorCode.NODE_EXISTS);
  }

  private static <T> Future<T> ignore(Throwable t, ErrorCode code, T value) {
    return Errors.is(t, code) ? Future.succeededFuture(value) : Future.failedFuture(t);
  }

  private static CreateMode mode(long ttl) {
    return ttl > 0 ? CreateMode.PERSISTENT_WITH_TTL : CreateMode.PERSISTENT;
  }

  private static long checkTtl(long ttl) {
    if (ttl < 0) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
    return ttl;
  }
}
