package io.baton.core.tree;

import java.util.List;

/** A node's child names (sorted) and its stat, as returned by getChildren. */
public record Children(List<String> names, Stat stat) {
}
