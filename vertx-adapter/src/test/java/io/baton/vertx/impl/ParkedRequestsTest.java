package io.baton.vertx.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests parked on a {@code minZxid}: released in zxid order, timed out by one timer, bounded in number. */
class ParkedRequestsTest {
  private Vertx vertx;
  private Context context;
  private final List<Long> timedOut = new ArrayList<>();
  private final List<Long> served = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private <T> T onContext(Supplier<T> body) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        f.complete(body.get());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    });
    return f.get(30, TimeUnit.SECONDS);
  }

  private ParkedRequests parked(long waitMs, int max) throws Exception {
    return onContext(() -> new ParkedRequests(vertx, waitMs, max, p -> timedOut.add(p.request.getLong("id"))));
  }

  private static JsonObject request(long id) {
    return new JsonObject().put("id", id);
  }

  @Test
  void releasedInZxidOrderAndTheRestTimeOutInArrivalOrder() throws Exception {
    ParkedRequests parked = parked(200, 10);
    onContext(() -> {
      long[] zxids = {50, 30, 90, 10, 30, 70};
      for (int i = 0; i < zxids.length; i++) {
        assertThat(parked.park(zxids[i], null, request(i))).isTrue();
      }
      assertThat(parked.anyReached(9)).isFalse();
      assertThat(parked.anyReached(10)).isTrue();
      parked.release(50, p -> served.add(p.request.getLong("id")));
      return null;
    });
    assertThat(served).containsExactly(3L, 1L, 4L, 0L);
    long start = System.nanoTime();
    while (onContext(parked::size) > 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
      Thread.sleep(20);
    }
    assertThat(onContext(() -> List.copyOf(timedOut))).containsExactly(2L, 5L);
  }

  @Test
  void manyParkedAreBoundedAndTimeOutTogetherCheaply() throws Exception {
    int max = 200_000;
    ParkedRequests parked = parked(500, max);
    long start = System.nanoTime();
    int refused = onContext(() -> {
      int no = 0;
      for (int i = 0; i < max + 1_000; i++) {
        if (!parked.park(1_000 + i, null, request(i))) {
          no++;
        }
      }
      // the lower half is reached: released (and removed from the deadline order) at once
      parked.release(1_000 + max / 2 - 1, p -> served.add(p.request.getLong("id")));
      return no;
    });
    assertThat(refused).isEqualTo(1_000);
    assertThat(served).hasSize(max / 2);
    while (onContext(parked::size) > 0) {
      assertThat((System.nanoTime() - start) / 1_000_000).as("ms until all timed out").isLessThan(10_000);
      Thread.sleep(20);
    }
    // each timed out once; none of the released ones did
    List<Long> out = onContext(() -> List.copyOf(timedOut));
    assertThat(out).hasSize(max / 2);
    assertThat(out.get(0)).isEqualTo(max / 2);
    assertThat(onContext(() -> parked.park(5, null, request(-1)))).isTrue();
  }
}
