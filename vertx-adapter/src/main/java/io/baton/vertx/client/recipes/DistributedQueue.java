package io.baton.vertx.client.recipes;

import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * A FIFO queue with optional priorities (higher first, FIFO within a priority). Each item goes to
 * exactly one consumer. With {@link #takeWithAck} the item comes back to the queue if this session
 * ends or {@link #ack} does not arrive within the lease.
 */
public final class DistributedQueue {
  private final CoordinationClient client;
  private final String name;

  DistributedQueue(CoordinationClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /** Adds an item with priority 0; completes with its id. */
  public Future<String> put(byte[] data) {
    return put(data, 0);
  }

  /** Adds an item with a priority in 0..999999 (higher is served first). */
  public Future<String> put(byte[] data, int priority) {
    return client.request(base("queue.put").put("data", Protocol.base64(data)).put("priority", priority))
        .map(r -> r.getString("item"));
  }

  /** Takes the next item, waiting up to {@code timeout}; the item is gone from the queue. */
  public Future<QueuedItem> take(Duration timeout) {
    return client.request(base("queue.take").put("timeoutMs", timeout.toMillis()), timeout.toMillis() + 10_000)
        .map(QueuedItem::of);
  }

  /** Takes the next item under a lease; {@link #ack} it when processed. */
  public Future<QueuedItem> takeWithAck(Duration lease, Duration timeout) {
    return client.request(base("queue.take").put("ack", true).put("leaseMs", lease.toMillis())
        .put("timeoutMs", timeout.toMillis()), timeout.toMillis() + 10_000).map(QueuedItem::of);
  }

  public Future<Void> ack(QueuedItem item) {
    return client.request(base("queue.ack").put("item", item.id())).mapEmpty();
  }

  /** {waiting, taken}. */
  public Future<JsonObject> size() {
    return client.request(base("queue.size"));
  }

  private JsonObject base(String op) {
    return new JsonObject().put("op", op).put("name", name);
  }
}
