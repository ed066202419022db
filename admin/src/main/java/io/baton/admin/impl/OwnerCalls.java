package io.baton.admin.impl;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs a read of the node's state on its owner context and completes, back on the caller's context,
 * with its value or its exception. Reads are short and bounded (pages, previews), so the owner
 * thread is never held for long.
 */
final class OwnerCalls {
  private OwnerCalls() {
  }

  static <T> Future<T> call(Context owner, Supplier<T> read) {
    Context back = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    owner.runOnContext(v -> {
      T value = null;
      RuntimeException failure = null;
      try {
        value = read.get();
      } catch (RuntimeException e) {
        failure = e;
      }
      T result = value;
      RuntimeException error = failure;
      Runnable complete = () -> {
        if (error != null) {
          promise.fail(error);
        } else {
          promise.complete(result);
        }
      };
      if (back == null) {
        complete.run();
      } else {
        back.runOnContext(x -> complete.run());
      }
    });
    return promise.future();
  }
}
