package io.baton.core.view;

/**
 * A node's own state, copied on the owner thread (an immutable snapshot any thread may read).
 *
 * @param zxid            the last applied zxid
 * @param dataBytes       bytes of data held by all znodes
 * @param outstanding     writes ordered or forwarded here and not answered yet
 * @param logSyncFailures fsyncs of the transaction log failed in a row (0: the last one succeeded)
 * @param halted          the node stopped on a fatal error
 * @param leading         it orders writes (always for a lone node)
 */
public record NodeStatus(int nodeId, long zxid, long znodes, long dataBytes, int sessions, int watches,
                         int outstanding, int logSyncFailures, boolean halted, boolean leading) {
}
