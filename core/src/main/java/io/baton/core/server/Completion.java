package io.baton.core.server;

import io.baton.core.error.BatonException;

/** Completion callback of a coordinator call, invoked once on the owner thread. */
@FunctionalInterface
public interface Completion<T> {
  /** Exactly one of {@code result} and {@code error} is meaningful: error is null on success. */
  void complete(T result, BatonException error);
}
