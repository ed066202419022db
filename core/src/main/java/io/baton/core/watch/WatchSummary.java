package io.baton.core.watch;

/**
 * How many sessions hold watches, on how many paths, and how many watch registrations in all
 * (ZooKeeper's {@code wchs} four-letter word reports these, per connection).
 */
public record WatchSummary(int sessions, int paths, int watches) {
}
