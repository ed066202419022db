package io.baton.core.server;

/**
 * When a write counts as committed on a single node.
 * <ul>
 *   <li>{@code NONE}: once appended to the memory-mapped log (page cache). Survives a process crash
 *   ({@code kill -9}) but not a power loss or kernel crash.</li>
 *   <li>{@code GROUP}: replies are held until a background fsync every {@code groupCommitMs} covers
 *   the write. The default: no acknowledged write is lost even on power loss, and one fsync serves
 *   every write of the interval, so throughput stays high.</li>
 *   <li>{@code ALWAYS}: an fsync starts as soon as a write is appended (writes arriving while one
 *   runs share the next one); lowest latency to durability, most fsyncs.</li>
 * </ul>
 */
public enum Durability {
  NONE, GROUP, ALWAYS;

  public static Durability parse(String s) {
    return valueOf(s.trim().toUpperCase());
  }
}
