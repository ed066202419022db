package io.baton.zookeeper;

import io.baton.zookeeper.impl.FourLetterWords;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Settings of a {@link ZooKeeperPort} beyond the node's own: which four-letter words it answers
 * ({@code zk4lwWhitelist}, ZooKeeper's {@code 4lw.commands.whitelist}), what mode it reports
 * ({@code standalone}, {@code leader}, {@code follower}; null while a cluster member has no leader,
 * when ZooKeeper reports that it is not serving), and the settings {@code conf} shows.
 *
 * @param fourLetterWords the words answered; others get ZooKeeper's "not in the whitelist" answer
 * @param mode            the node's mode now
 * @param conf            {@code key=value} lines of {@code conf}, after {@code clientPort}
 */
public record ZooKeeperPortOptions(Set<String> fourLetterWords, Supplier<String> mode, Map<String, String> conf) {
  /** ZooKeeper's default whitelist: {@code srvr} only. */
  public static final String DEFAULT_WHITELIST = "srvr";

  public ZooKeeperPortOptions {
    fourLetterWords = Set.copyOf(fourLetterWords);
    conf = new LinkedHashMap<>(conf);
  }

  /** A lone node's defaults: ZooKeeper's whitelist, standalone, no settings shown. */
  public static ZooKeeperPortOptions defaults() {
    return new ZooKeeperPortOptions(whitelist(DEFAULT_WHITELIST), () -> "standalone", Map.of());
  }

  /** These options answering the words of {@code whitelist} instead. */
  public ZooKeeperPortOptions withWhitelist(String whitelist) {
    return new ZooKeeperPortOptions(whitelist(whitelist), mode, conf);
  }

  /**
   * Parses a whitelist as ZooKeeper does: words separated by commas and blanks, {@code *} for every
   * word this port serves. A word ZooKeeper does not know is refused (a typo); one it knows that
   * Baton does not serve ({@code dump}, {@code wchc}, ...) is answered as not served.
   */
  public static Set<String> whitelist(String whitelist) {
    Set<String> words = new TreeSet<>();
    for (String w : whitelist.trim().split("[,\\s]+")) {
      if (w.isEmpty()) {
        continue;
      }
      if (w.equals("*")) {
        words.addAll(FourLetterWords.SERVED);
      } else if (FourLetterWords.KNOWN.contains(w)) {
        words.add(w);
      } else {
        throw new IllegalArgumentException("zk4lwWhitelist: '" + w + "' is no four-letter word ZooKeeper knows "
            + FourLetterWords.KNOWN);
      }
    }
    return words;
  }
}
