package io.baton.core.server;

/**
 * When a write counts as committed on a single node.
 * <ul>
 *   <li>{@code NONE}: once appended to the memory-mapped log (page cache). Survives a process crash
 *   ({@code kill -9}) but not a power loss or kernel crash.</li>
 *   <li>{@code GROUP}: replies are held until an fsync that started after the write completes. An
 *   idle log fsyncs at once; writes arriving during an fsync share the next one, which starts when
 *   it ends, or no sooner than {@code groupCommitMs} after it started if that is set (fewer,
 *   larger fsyncs for more latency). The default: no acknowledged write is lost even on power loss,
 *   and one fsync serves many writes.</li>
 *   <li>{@code ALWAYS}: as {@code GROUP} with fsyncs always back to back, whatever
 *   {@code groupCommitMs} says.</li>
 * </ul>
 */
public enum Durability {
  NONE, GROUP, ALWAYS;

  public static Durability parse(String s) {
    return valueOf(s.trim().toUpperCase());
  }
}
