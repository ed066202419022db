package io.baton.core.server;

import io.baton.core.error.BatonException;
import io.baton.core.txn.OpResult;
import io.baton.schemas.log.LogEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What waits for an entry to be applied, in zxid order: writes ordered here (answered when their
 * entry is applied), refusals that rest on earlier unapplied writes (a BadVersion against a pending
 * write, answered once those are applied, like ZooKeeper's error transactions), and deferred actions
 * (a lone node's sync). Owner thread.
 */
final class InFlightWrites {
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();

  /** A write whose entry {@code entry} was ordered here; {@code done} gets its results once applied. */
  void write(LogEntry entry, Completion<List<OpResult>> done) {
    queue.addLast(new Pending(entry.getZxid(), entry, done, null, null, System.nanoTime()));
  }

  /** A refusal answered once {@code zxid} is applied. */
  void refusal(long zxid, Completion<List<OpResult>> done, BatonException error) {
    queue.addLast(new Pending(zxid, null, done, null, error, System.nanoTime()));
  }

  /** An action run once {@code zxid} is applied. */
  void deferred(long zxid, Runnable action) {
    queue.addLast(new Pending(zxid, null, null, action, null, System.nanoTime()));
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }

  /**
   * Everything up to {@code zxid} is committed: each write is handed to {@code apply} in order, the
   * refusals and deferred actions between them are answered and run.
   */
  void committed(long zxid, Consumer<Pending> apply) {
    while (!queue.isEmpty() && queue.peekFirst().zxid <= zxid) {
      Pending p = queue.pollFirst();
      if (p.entry != null) {
        apply.accept(p);
      } else if (p.error != null) {
        p.done.complete(null, p.error);
      } else {
        p.deferred.run();
      }
    }
  }

  /** The write of {@code zxid} if it is the first one waiting (a replicated entry ordered here), else null. */
  Pending takeWrite(long zxid) {
    Pending head = queue.peekFirst();
    if (head != null && head.entry != null && head.zxid == zxid) {
      return queue.pollFirst();
    }
    return null;
  }

  /** Answers the refusals at the head that waited for entries up to {@code zxid}, now applied. */
  void answerRefusals(long zxid) {
    while (!queue.isEmpty() && queue.peekFirst().entry == null && queue.peekFirst().zxid <= zxid) {
      Pending refused = queue.pollFirst();
      refused.done.complete(null, refused.error);
    }
  }

  /** Answers everything waiting with {@code error} (deferred actions are dropped); returns how many waited. */
  int failAll(BatonException error) {
    List<Pending> dropped = new ArrayList<>(queue);
    queue.clear();
    for (Pending p : dropped) {
      if (p.done != null) {
        p.done.complete(null, error);
      }
    }
    return dropped.size();
  }

  /**
   * Something waiting for the entry {@code zxid} to be applied: that entry itself (with its reply),
   * a refusal held until then ({@code error}), or a deferred action.
   */
  record Pending(long zxid, LogEntry entry, Completion<List<OpResult>> done, Runnable deferred,
                 BatonException error, long createdNanos) {
  }
}
