package io.baton.core.server;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps each session's replies in the order of its requests (ZooKeeper's FIFO client order): a write
 * reserves a slot, and a read or a later write of the same session is answered only after every
 * earlier slot of that session has been answered (forwarded writes may complete out of order).
 * Owner thread only.
 */
final class SessionReplies {
  private final Map<Long, ArrayDeque<Reply>> bySession = new HashMap<>();

  /** A reply slot; {@code action} is set once the reply is known. */
  private static final class Reply {
    Runnable action;
  }

  /** Runs {@code reply} now, or after the replies to the session's earlier writes. */
  void run(long sessionId, Runnable reply) {
    ArrayDeque<Reply> queue = sessionId == 0 ? null : bySession.get(sessionId);
    if (queue == null) {
      reply.run();
    } else {
      Reply r = new Reply();
      r.action = reply;
      queue.addLast(r);
    }
  }

  /**
   * Reserves the session's next reply slot for a write: the returned completion holds {@code done}
   * until the replies of the session's earlier requests are out.
   */
  <T> Completion<T> reserve(long sessionId, Completion<T> done) {
    if (sessionId == 0) {
      return done;
    }
    Reply slot = new Reply();
    bySession.computeIfAbsent(sessionId, k -> new ArrayDeque<>()).addLast(slot);
    return (result, error) -> {
      slot.action = () -> done.complete(result, error);
      ArrayDeque<Reply> queue = bySession.get(sessionId);
      while (queue != null && !queue.isEmpty() && queue.peekFirst().action != null) {
        queue.pollFirst().action.run();
        if (queue.isEmpty()) {
          bySession.remove(sessionId);
        }
      }
    };
  }
}
