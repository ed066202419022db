package io.baton.core.replication;

/** A replicated log entry: position, the term it was created in, and an opaque payload. */
public record Entry(long index, long term, byte[] data) {
}
