package io.baton.vertx.client;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.txn.OpResult;
import java.util.List;

/** A refused multi: the first failing operation's code and one result per operation. */
public final class MultiException extends BatonException {
  private final transient List<OpResult> results;
  private final int failedIndex;

  public MultiException(ErrorCode code, String message, int failedIndex, List<OpResult> results) {
    super(code, message);
    this.failedIndex = failedIndex;
    this.results = List.copyOf(results);
  }

  public List<OpResult> results() {
    return results;
  }

  public int failedIndex() {
    return failedIndex;
  }
}
