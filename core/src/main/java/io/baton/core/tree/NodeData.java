package io.baton.core.tree;

/** A node's data and stat, as returned by getData. */
public record NodeData(byte[] data, Stat stat) {
}
