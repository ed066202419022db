package io.baton.core.view;

/** An open session: its id, negotiated timeout and how many ephemeral nodes it owns. */
public record SessionInfo(long id, int timeoutMs, int ephemerals) {
}
