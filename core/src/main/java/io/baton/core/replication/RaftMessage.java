package io.baton.core.replication;

import java.util.List;

/**
 * A message between Raft nodes.
 *
 * @param index   APPEND: index of the entry before {@code entries}; APPEND_RESP: the follower's match
 *                index (success) or the index it rejected; VOTE/PRE_VOTE: candidate's last index;
 *                SNAPSHOT: the snapshot's index
 * @param logTerm term of the entry at {@code index} (APPEND, votes, SNAPSHOT)
 * @param commit  leader's commit index (APPEND, SNAPSHOT)
 * @param reject  refused vote / append
 * @param hint    on a refused append, the follower's last index (where the leader should back off to)
 */
public record RaftMessage(Type type, long from, long to, long term, long index, long logTerm, List<Entry> entries,
                          long commit, boolean reject, long hint) {

  /**
   * Message kinds. A SNAPSHOT (leader to follower) only carries the snapshot's metadata
   * ({@code index}, {@code logTerm}: its last entry's term, {@code commit}: the leader's): the host
   * sends its snapshot data through {@code index} along with it (or drops the message if it no
   * longer has that snapshot: the leader sends its current one after an election timeout), and the
   * follower answers with an APPEND_RESP whose {@code index} is at least the snapshot's.
   */
  public enum Type {
    PRE_VOTE, PRE_VOTE_RESP, VOTE, VOTE_RESP, APPEND, APPEND_RESP, SNAPSHOT
  }

  static RaftMessage of(Type type, long from, long to, long term) {
    return new RaftMessage(type, from, to, term, 0, 0, List.of(), 0, false, 0);
  }
}
