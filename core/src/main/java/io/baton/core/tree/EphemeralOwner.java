package io.baton.core.tree;

/**
 * ZooKeeper's encoding of a node's kind in {@code ephemeralOwner}: 0 for persistent nodes, the
 * session id for ephemerals, {@link Long#MIN_VALUE} for containers, and {@code 0xFF << 56 | ttl}
 * for TTL nodes ({@code EphemeralType} in ZooKeeper with extended types enabled).
 */
public final class EphemeralOwner {
  /** ephemeralOwner of a container node. */
  public static final long CONTAINER = Long.MIN_VALUE;
  /**
   * Largest TTL in milliseconds (about 34 years): ZooKeeper's {@code EphemeralType.TTL.maxValue()}.
   * Bits 40..55 hold the extended type (0 for TTL), so only the low 40 bits carry the TTL.
   */
  public static final long MAX_TTL = 0x000000FFFFFFFFFFL;
  private static final long TTL_MASK = 0xFF00000000000000L;

  private EphemeralOwner() {
  }

  public static long ttl(long ttlMillis) {
    return TTL_MASK | ttlMillis;
  }

  public static boolean isContainer(long owner) {
    return owner == CONTAINER;
  }

  public static boolean isTtl(long owner) {
    return owner != CONTAINER && (owner & TTL_MASK) == TTL_MASK;
  }

  /** True if the owner is a real session (an ephemeral node). */
  public static boolean isSession(long owner) {
    return owner != 0 && !isContainer(owner) && !isTtl(owner);
  }

  /**
   * The owner a client sees in a stat: a session's id, else 0 (ZooKeeper's
   * {@code DataNode.getClientEphemeralOwner}: container and TTL markers are never shown).
   */
  public static long visible(long owner) {
    return isContainer(owner) || isTtl(owner) ? 0 : owner;
  }

  public static long ttlMillis(long owner) {
    return owner & ~TTL_MASK;
  }
}
