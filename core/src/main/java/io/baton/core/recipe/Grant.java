package io.baton.core.recipe;

/**
 * A granted lock, semaphore lease or leadership term.
 *
 * @param path  the contender node that holds it
 * @param token fencing token: the zxid that created the contender node; strictly increasing across
 *              successive grants of the same lock or election, so downstream systems can refuse a
 *              stale holder
 * @param holds reentrant hold count (mutex and write locks)
 */
public record Grant(String path, long token, int holds) {
}
