package io.baton.core.txn;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.limit.Limits;
import io.baton.core.tree.PathValidator;
import io.baton.schemas.log.CheckTxn;
import io.baton.schemas.log.CloseSessionTxn;
import io.baton.schemas.log.CreateSessionTxn;
import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.DeleteTxn;
import io.baton.schemas.log.LogEntry;
import io.baton.schemas.log.MultiTxn;
import io.baton.schemas.log.SetACLTxn;
import io.baton.schemas.log.SetDataTxn;

/**
 * Structural checks of a log entry received from another node, before it is persisted: a known
 * transaction kind, valid paths within {@code maxPathBytes}, data within {@code maxDataBytes}, and an
 * encoded size within {@code maxEntryBytes} (a session close, which must always be possible, within
 * what a log excerpt holds). Every entry a {@link TxnPreparer} with the same {@link Limits} makes
 * passes; whether it applies to the state is {@link TxnApplier#check}'s question.
 */
public final class EntryValidator {
  private EntryValidator() {
  }

  /** Throws {@link BatonException} (BadArguments, InvalidPath or TooLarge) naming what is wrong with {@code entry}. */
  public static void check(LogEntry entry, int encodedBytes, Limits limits) {
    Object txn = entry.getTxn();
    long max = txn instanceof CloseSessionTxn ? Limits.LOG_EXCERPT_CEILING : limits.maxEntryBytes();
    if (encodedBytes > max) {
      throw new BatonException(ErrorCode.TOO_LARGE, "entry 0x" + Long.toHexString(entry.getZxid()) + " of "
          + encodedBytes + " bytes exceeds " + max);
    }
    if (entry.getZxid() <= 0) {
      throw BatonException.badArguments("entry zxid " + entry.getZxid());
    }
    if (txn instanceof MultiTxn m) {
      for (Object op : m.getOps()) {
        if (op instanceof MultiTxn) {
          throw BatonException.badArguments("a multi inside a multi");
        }
        checkTxn(op, limits);
      }
    } else {
      checkTxn(txn, limits);
    }
  }

  private static void checkTxn(Object txn, Limits limits) {
    if (txn instanceof CreateTxn c) {
      notRoot(c.getPath(), limits);
      data(c.getData().remaining(), limits);
    } else if (txn instanceof SetDataTxn s) {
      path(s.getPath(), limits);
      data(s.getData().remaining(), limits);
    } else if (txn instanceof DeleteTxn d) {
      notRoot(d.getPath(), limits);
    } else if (txn instanceof CheckTxn c) {
      path(c.getPath(), limits);
    } else if (txn instanceof SetACLTxn s) {
      path(s.getPath(), limits);
    } else if (txn instanceof CloseSessionTxn c) {
      for (String p : c.getEphemerals()) {
        notRoot(p, limits);
      }
    } else if (!(txn instanceof CreateSessionTxn)) {
      throw BatonException.badArguments("unknown transaction " + (txn == null ? null : txn.getClass().getName()));
    }
  }

  private static void path(String path, Limits limits) {
    PathValidator.validate(path, limits.maxPathBytes(), 0);
  }

  private static void notRoot(String path, Limits limits) {
    path(path, limits);
    if (path.length() == 1) {
      throw new BatonException(ErrorCode.INVALID_PATH, "the root cannot be created or deleted");
    }
  }

  private static void data(int bytes, Limits limits) {
    if (bytes > limits.maxDataBytes()) {
      throw new BatonException(ErrorCode.TOO_LARGE, "data of " + bytes + " bytes exceeds maxDataBytes "
          + limits.maxDataBytes());
    }
  }
}
