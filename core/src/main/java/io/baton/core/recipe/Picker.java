package io.baton.core.recipe;

import io.baton.core.error.BatonException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/** Instance selection strategies of the service registry. */
final class Picker {
  private static final int VIRTUAL_NODES = 64;
  private final Map<String, Long> roundRobin = new HashMap<>();

  /** Picks an instance (members must be non-empty, sorted by id). */
  Member pick(String service, List<Member> instances, String strategy, String key) {
    switch (strategy) {
      case "round_robin": {
        long n = roundRobin.merge(service, 1L, Long::sum) - 1;
        return instances.get((int) (n % instances.size()));
      }
      case "random":
        return instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
      case "weighted": {
        double total = 0;
        for (Member m : instances) {
          total += weight(m);
        }
        double r = ThreadLocalRandom.current().nextDouble() * total;
        for (Member m : instances) {
          r -= weight(m);
          if (r < 0) {
            return m;
          }
        }
        return instances.get(instances.size() - 1);
      }
      case "least_loaded":
        return instances.stream()
            .min(Comparator.comparingDouble((Member m) -> m.doc().path("load").asDouble(0))
                .thenComparing(Member::id))
            .orElseThrow();
      case "consistent_hash": {
        if (key == null) {
          throw BatonException.badArguments("consistent_hash needs a key");
        }
        TreeMap<Long, Member> ring = new TreeMap<>();
        for (Member m : instances) {
          for (int v = 0; v < VIRTUAL_NODES; v++) {
            ring.put(hash(m.id() + "#" + v), m);
          }
        }
        Map.Entry<Long, Member> e = ring.ceilingEntry(hash(key));
        return (e != null ? e : ring.firstEntry()).getValue();
      }
      default:
        throw BatonException.badArguments("unknown strategy '" + strategy
            + "' (round_robin, random, weighted, least_loaded, consistent_hash)");
    }
  }

  private static double weight(Member m) {
    return Math.max(0, m.doc().path("weight").asDouble(1));
  }

  private static long hash(String s) {
    CRC32C c = new CRC32C();
    c.update(s.getBytes(StandardCharsets.UTF_8));
    long h = c.getValue();
    h ^= h << 21;
    h ^= h >>> 35;
    h ^= h << 4;
    return h;
  }
}
