package io.baton.core.replication;

/** What a node must persist before sending the messages of a {@link Ready}: term, vote, commit. */
public record HardState(long term, long vote, long commit) {
}
