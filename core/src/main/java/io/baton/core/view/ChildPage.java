package io.baton.core.view;

import io.baton.core.tree.Stat;
import java.util.List;

/**
 * One page of a node's children: at most the page size of names (sorted within the page; pages come
 * in the node's table order), the cursor of the next page ({@code -1} after the last) and the
 * node's stat (its {@code numChildren} is the total).
 */
public record ChildPage(String path, List<String> names, int next, Stat stat) {
}
