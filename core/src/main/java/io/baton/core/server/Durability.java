package io.baton.core.server;

/**
 * When a write counts as committed on a single node.
 * <ul>
 *   <li>{@code NONE}: once appended to the memory-mapped log (page cache). Survives a process crash
 *   ({@code kill -9}) but not a power loss or kernel crash.</li>
 *   <li>{@code GROUP}: replies are held until an fsync that started after the write completes. An
 *   idle log fsyncs at once; under load fsyncs start at most every {@code groupCommitMs}, each
 *   covering every write appended before it. The default: no acknowledged write is lost even on
 *   power loss, and one fsync serves many writes, so throughput stays high.</li>
 *   <li>{@code ALWAYS}: as {@code GROUP}, but fsyncs run back to back with no spacing; most fsyncs,
 *   lowest latency under load.</li>
 * </ul>
 */
public enum Durability {
  NONE, GROUP, ALWAYS;

  public static Durability parse(String s) {
    return valueOf(s.trim().toUpperCase());
  }
}
