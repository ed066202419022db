package io.baton.vertx.recipes;

import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.Lock;
import io.baton.vertx.client.recipes.LockGrant;
import io.baton.vertx.client.recipes.Recipes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A separate process that uses a Baton mutex through the TCP bridge (for
 * {@link BridgeProcessRecipeTest}). Appends {@code <worker> <token> enter|exit} lines to a shared
 * file around each critical section; {@code hold} mode acquires once, appends
 * {@code <worker> <token> held} and never releases (to be killed).
 *
 * <p>Arguments: {@code port lock worker mode(loop|hold) iterations file sessionTimeoutMs}.
 */
public final class LockWorker {
  private LockWorker() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String lockName = args[1];
    String worker = args[2];
    String mode = args[3];
    int iterations = Integer.parseInt(args[4]);
    Path file = Path.of(args[5]);
    int sessionTimeoutMs = Integer.parseInt(args[6]);
    Vertx vertx = Vertx.vertx();
    try {
      CoordinationClient client = get(CoordinationClient.connectBridge(vertx, "127.0.0.1", port,
          ClientOptions.defaults().withSessionTimeout(sessionTimeoutMs)));
      Lock lock = Recipes.of(client).mutex(lockName);
      if (mode.equals("hold")) {
        LockGrant g = get(lock.acquire(Duration.ofSeconds(30)));
        append(file, worker + " " + g.token() + " held");
        Thread.sleep(Long.MAX_VALUE);
      }
      for (int i = 0; i < iterations; i++) {
        append(file, worker + " - waiting");
        LockGrant g = get(lock.acquire(Duration.ofSeconds(30)));
        append(file, worker + " " + g.token() + " enter");
        Thread.sleep(i % 3);
        append(file, worker + " " + g.token() + " exit");
        int left = get(lock.release());
        if (left != 0) {
          throw new IllegalStateException("still holding after release: " + left);
        }
      }
      get(client.close());
      get(vertx.close());
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }

  private static void append(Path file, String line) throws Exception {
    // one O_APPEND write per line: lines of concurrent processes never interleave
    Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
