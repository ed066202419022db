package io.baton.core.recipe;

/** An item handed to a consumer; {@code acked} is false while an ack-mode lease is open. */
public record QueueItem(String id, byte[] data, long zxid, boolean acked) {
}
