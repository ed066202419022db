package io.baton.bench;

/** A bench's arguments: exec:exec passes {@code -Dbench.args="--quick --no-heap"} as one argument, split here. */
final class BenchArgs {
  private BenchArgs() {
  }

  /** The words of {@code raw}, split on whitespace; none for blank input. */
  static String[] split(String[] raw) {
    String joined = String.join(" ", raw).trim();
    return joined.isEmpty() ? new String[0] : joined.split("\\s+");
  }
}
