package io.baton.core.replication;

import java.util.List;

/**
 * A message between Raft nodes.
 *
 * @param index   APPEND: index of the entry before {@code entries}; APPEND_RESP: the follower's match
 *                index (success) or the index it rejected; VOTE/PRE_VOTE: candidate's last index
 * @param logTerm term of the entry at {@code index} (APPEND, votes)
 * @param commit  leader's commit index (APPEND)
 * @param reject  refused vote / append
 * @param hint    on a refused append, the follower's last index (where the leader should back off to)
 */
public record RaftMessage(Type type, long from, long to, long term, long index, long logTerm, List<Entry> entries,
                          long commit, boolean reject, long hint) {

  /** Message kinds. */
  public enum Type {
    PRE_VOTE, PRE_VOTE_RESP, VOTE, VOTE_RESP, APPEND, APPEND_RESP
  }

  static RaftMessage of(Type type, long from, long to, long term) {
    return new RaftMessage(type, from, to, term, 0, 0, List.of(), 0, false, 0);
  }
}
