package io.baton.core.replication;

/**
 * Timing of a Raft node in ticks. The election timeout is randomized in
 * [{@code electionTicks}, 2 * {@code electionTicks}); a leader heartbeats every
 * {@code heartbeatTicks} and steps down if it has not heard from a quorum for an election timeout.
 */
public record RaftConfig(int electionTicks, int heartbeatTicks, boolean preVote, int maxEntriesPerMessage) {

  public static RaftConfig defaults() {
    return new RaftConfig(10, 1, true, 256);
  }
}
