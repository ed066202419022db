package io.baton.core.tree;

/** A node's metadata, with ZooKeeper's fields and meaning ({@code org.apache.zookeeper.data.Stat}). */
public record Stat(long czxid, long mzxid, long ctime, long mtime, int version, int cversion, int aversion,
                   long ephemeralOwner, int dataLength, int numChildren, long pzxid) {
}
