package io.baton.core.view;

/**
 * Another member as this node sees it.
 *
 * @param id               the member's id
 * @param matchIndex       the highest Raft index known to be in its log (-1 unless this node leads)
 * @param lagEntries       entries it lacks behind this leader's log (-1 unless this node leads)
 * @param lastContactMillis wall-clock time it was last heard from (0: never)
 * @param rttNanos         the last round trip of an append to it and its answer (-1: none yet)
 * @param up               whether it answered within an election timeout
 */
public record PeerStatus(long id, long matchIndex, long lagEntries, long lastContactMillis, long rttNanos,
                         boolean up) {
}
