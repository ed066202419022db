package io.baton.vertx.impl;

import io.baton.core.server.Scheduler;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Runs a coordinator on a Vert.x context: owner = the context, blocking work = the worker pool. */
public final class ContextScheduler implements Scheduler {
  private final Vertx vertx;
  private final Context context;

  public ContextScheduler(Vertx vertx, Context context) {
    this.vertx = vertx;
    this.context = context;
  }

  @Override
  public void runOnOwner(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  @Override
  public void runBlocking(Runnable task) {
    context.executeBlocking(() -> {
      task.run();
      return null;
    }, false);
  }

  @Override
  public AutoCloseable periodic(long periodMs, Runnable task) {
    long[] id = new long[1];
    context.runOnContext(v -> id[0] = vertx.setPeriodic(periodMs, t -> task.run()));
    return () -> context.runOnContext(v -> vertx.cancelTimer(id[0]));
  }

  @Override
  public long now() {
    return System.currentTimeMillis();
  }
}
