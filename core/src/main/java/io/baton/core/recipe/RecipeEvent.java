package io.baton.core.recipe;

import java.util.Map;

/**
 * A recipe-level notification for a subscribed session, e.g. {@code election/LeaderElected},
 * {@code group/MemberLeft} (with reason), {@code registry/InstanceUp}, {@code config/ConfigChanged}.
 */
public record RecipeEvent(String recipe, String name, String event, long zxid, Map<String, Object> fields) {
}
