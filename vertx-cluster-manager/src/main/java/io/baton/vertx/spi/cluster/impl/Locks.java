package io.baton.vertx.spi.cluster.impl;

import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.recipes.Lock;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide locks: Baton's mutex recipe ({@code /baton/locks/<name>}), granted in arrival order and
 * released with the holder's session (so when its Vert.x node dies or leaves). Each acquisition is its
 * own owner, so a lock is not reentrant, as Vert.x's are not. A wait longer than the bridge's reply
 * timeout is made of several acquires in a row.
 */
public final class Locks {
  private static final Logger LOG = LoggerFactory.getLogger(Locks.class);
  /** The longest single wait asked of the Baton node (its bridge answers within 30 s). */
  private static final long MAX_WAIT_MS = 20_000;
  private final Connection connection;

  public Locks(Connection connection) {
    this.connection = connection;
  }

  /** Acquires the lock {@code recipeName}, failing with "Timed out waiting to get lock" after {@code timeoutMs}. */
  public Future<io.vertx.core.shareddata.Lock> acquire(String recipeName, long timeoutMs) {
    Lock lock = Recipes.of(connection.client()).mutex(recipeName).forOwner(UUID.randomUUID().toString());
    return attempt(lock, System.currentTimeMillis() + Math.max(0, timeoutMs));
  }

  private Future<io.vertx.core.shareddata.Lock> attempt(Lock lock, long deadline) {
    long wait = Math.min(MAX_WAIT_MS, Math.max(0, deadline - System.currentTimeMillis()));
    return lock.acquire(Duration.ofMillis(wait)).<io.vertx.core.shareddata.Lock>map(grant -> new Held(lock))
        .recover(t -> {
          if (!Errors.is(t, ErrorCode.OPERATION_TIMEOUT)) {
            return Future.failedFuture(t);
          }
          if (System.currentTimeMillis() < deadline) {
            return attempt(lock, deadline);
          }
          return Future.failedFuture(new VertxException("Timed out waiting to get lock", true));
        });
  }

  /** A held lock; releasing it twice is harmless. */
  private static final class Held implements io.vertx.core.shareddata.Lock {
    private final Lock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    Held(Lock lock) {
      this.lock = lock;
    }

    @Override
    public void release() {
      if (released.compareAndSet(false, true)) {
        lock.release().onFailure(t -> LOG.warn("releasing a lock failed: {}", t.toString()));
      }
    }
  }
}
