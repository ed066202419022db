package io.baton.admin;

import io.baton.core.recipe.RecipeService;
import io.baton.core.replication.RaftReplication;
import io.baton.core.server.Coordinator;
import io.vertx.core.Context;

/**
 * The node the admin face reads: its coordinator and the context that owns it, its replication
 * (null for a lone node), its recipes, and its event-bus address (the health checks answer at
 * {@code <address>.health}).
 */
public record AdminNode(Context owner, Coordinator coordinator, RaftReplication replication, RecipeService recipes,
                        String address) {
}
