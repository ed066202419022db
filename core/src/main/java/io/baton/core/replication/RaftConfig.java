package io.baton.core.replication;

/**
 * Timing of a Raft node in ticks. The election timeout is randomized in
 * [{@code electionTicks}, 2 * {@code electionTicks}); a leader heartbeats every
 * {@code heartbeatTicks} and steps down if it has not heard from a quorum for an election timeout.
 * An append message carries at most {@code maxEntriesPerMessage} entries and, unless it carries just
 * one, at most {@code maxBytesPerMessage} bytes of encoded entries.
 */
public record RaftConfig(int electionTicks, int heartbeatTicks, boolean preVote, int maxEntriesPerMessage,
                         long maxBytesPerMessage) {

  /** Append messages bounded in entries only. */
  public RaftConfig(int electionTicks, int heartbeatTicks, boolean preVote, int maxEntriesPerMessage) {
    this(electionTicks, heartbeatTicks, preVote, maxEntriesPerMessage, Long.MAX_VALUE);
  }

  public static RaftConfig defaults() {
    return new RaftConfig(10, 1, true, 256);
  }
}
