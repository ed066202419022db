package io.baton.core.view;

/**
 * An open session: its id, negotiated timeout, how many ephemeral nodes it owns, and the address of the
 * client that opened (or last resumed) it on this node (null if it did so on another node).
 */
public record SessionInfo(long id, int timeoutMs, int ephemerals, String clientAddress) {
}
