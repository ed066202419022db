package io.baton.core.txn;

import io.baton.core.error.BatonException;
import java.util.List;

/**
 * A multi that was refused: the code and message of the first failing operation, and one result
 * per operation (OK before it, its error, {@code RuntimeInconsistency} after it), as ZooKeeper does.
 */
public final class MultiFailedException extends BatonException {
  private final transient List<OpResult> results;
  private final int failedIndex;

  public MultiFailedException(BatonException cause, int failedIndex, List<OpResult> results) {
    super(cause.code(), "op " + failedIndex + ": " + cause.getMessage());
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
