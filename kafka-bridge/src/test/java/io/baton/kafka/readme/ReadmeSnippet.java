package io.baton.kafka.readme;

import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.recipes.QueuedItem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * What README's Java snippets assume is around them: a Vert.x instance, a connected client, some
 * bytes, and the application's own code ({@code writeLedger}, {@code process}). Each snippet is
 * compiled as the body of {@link #run()} of a subclass.
 */
public abstract class ReadmeSnippet {
  protected Vertx vertx;
  protected CoordinationClient client;
  protected byte[] newBytes = "new".getBytes();
  protected byte[] data = "audit".getBytes();
  /** Fencing tokens the snippets' ledger writes carried. */
  public final java.util.List<Long> ledgerTokens = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Queue items the snippets processed. */
  public final java.util.List<String> processed = new java.util.concurrent.CopyOnWriteArrayList<>();

  public void use(Vertx vertx, CoordinationClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  public abstract void run() throws Exception;

  protected Future<Void> writeLedger(long token) {
    ledgerTokens.add(token);
    return Future.succeededFuture();
  }

  protected Future<Void> process(QueuedItem item) {
    processed.add(new String(item.data()));
    return Future.succeededFuture();
  }
}
