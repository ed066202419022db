package io.baton.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A child table against a map: random adds and removes of names that share long prefixes (sequential
 * nodes), through growing and shrinking, find exactly the children added and not removed.
 */
class ChildTableTest {
  private static byte[] name(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Znode child(String s) {
    byte[] n = name(s);
    return new Znode(NodeKey.of(n, 0, n.length, new byte[0]), 1, 1);
  }

  @Test
  void findsExactlyTheChildrenAddedAndNotRemoved() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      ChildTable table = new ChildTable(0, 0);
      Map<String, Znode> model = new HashMap<>();
      List<String> names = new ArrayList<>();
      int seq = 0;
      for (int step = 0; step < 20_000; step++) {
        boolean add = model.isEmpty() || random.nextInt(100) < (step < 10_000 ? 60 : 35);
        if (add) {
          String s = "_c_" + random.nextInt(4) + "-lock-" + String.format("%010d", seq++);
          Znode z = child(s);
          table.add(z);
          model.put(s, z);
          names.add(s);
        } else {
          String s = names.remove(random.nextInt(names.size()));
          byte[] n = name(s);
          assertThat(table.remove(n, 0, n.length)).isSameAs(model.remove(s));
        }
        if (step % 97 == 0) {
          assertThat(table.size()).isEqualTo(model.size());
          for (Map.Entry<String, Znode> e : model.entrySet()) {
            byte[] n = name(e.getKey());
            assertThat(table.get(n, 0, n.length)).as(e.getKey()).isSameAs(e.getValue());
          }
          byte[] missing = name("_c_9-lock-" + step);
          assertThat(table.get(missing, 0, missing.length)).isNull();
          Set<Znode> seen = new HashSet<>();
          table.forEach(seen::add);
          assertThat(seen).containsExactlyInAnyOrderElementsOf(model.values());
        }
      }
    }
  }
}
