package io.baton.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Deadlines ordered by time: touching moves a session, untracking removes it, expiry finds only the due. */
class SessionTrackerTest {
  @Test
  void expiredFindsExactlyTheSessionsPastTheirDeadline() {
    SessionTracker t = new SessionTracker();
    for (long id = 1; id <= 1_000; id++) {
      t.track(id, 1_000, id);
    }
    assertThat(t.expired(1_000)).isEmpty();
    assertThat(t.expired(1_010)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    t.touch(3, 500);
    t.touch(4, 4);
    t.untrack(5);
    assertThat(t.expired(1_010)).containsExactlyInAnyOrder(1L, 2L, 4L, 6L, 7L, 8L, 9L, 10L);
    assertThat(t.expired(1_500)).contains(3L).hasSize(500 - 1);
    assertThat(t.touch(5, 2_000)).isFalse();
    assertThat(t.isTracked(5)).isFalse();
    for (long id = 1; id <= 1_000; id++) {
      t.untrack(id);
    }
    assertThat(t.expired(Long.MAX_VALUE)).isEmpty();
  }
}
