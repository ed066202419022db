package io.baton.kafka.mapping;

import io.baton.schemas.event.BatonEvent;

/**
 * A record before routing: the Kafka key (the node path; for derived events the recipe directory,
 * e.g. {@code /baton/groups/g}; for session events the session id in hex) and the value.
 */
public record Mapped(String key, BatonEvent event) {
}
