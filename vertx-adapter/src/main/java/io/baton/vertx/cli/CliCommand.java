package io.baton.vertx.cli;

import io.baton.core.tree.CreateMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One parsed CLI command: its name, flags, the values of {@code -v} (version) and {@code -t} (TTL)
 * and its positional arguments. Knows each command's flags and arity, and whether it needs a
 * session (ephemerals, watches, identities); every other command runs without one.
 */
record CliCommand(String name, Set<String> flags, Integer version, Long ttl, List<String> args) {

  /** A command's flags and how many positional arguments it takes. */
  private record Shape(Set<String> flags, int min, int max) {
  }

  private static final Map<String, Shape> SHAPES = Map.ofEntries(
      Map.entry("ls", new Shape(Set.of("-s", "-R", "-w"), 1, 1)),
      Map.entry("get", new Shape(Set.of("-s", "-w"), 1, 1)),
      Map.entry("set", new Shape(Set.of("-v", "-s"), 2, 2)),
      Map.entry("create", new Shape(Set.of("-e", "-s", "-c", "-t", "-p"), 1, 2)),
      Map.entry("delete", new Shape(Set.of("-v"), 1, 1)),
      Map.entry("deleteall", new Shape(Set.of(), 1, 1)),
      Map.entry("stat", new Shape(Set.of("-w"), 1, 1)),
      Map.entry("sync", new Shape(Set.of(), 1, 1)),
      Map.entry("watch", new Shape(Set.of(), 1, 1)),
      Map.entry("getAcl", new Shape(Set.of(), 1, 1)),
      Map.entry("setAcl", new Shape(Set.of("-v"), 2, 65)),
      Map.entry("addauth", new Shape(Set.of(), 2, 2)),
      Map.entry("whoami", new Shape(Set.of(), 0, 0)),
      Map.entry("info", new Shape(Set.of(), 0, 0)),
      Map.entry("cluster", new Shape(Set.of(), 0, 0)),
      Map.entry("health", new Shape(Set.of(), 0, 0)),
      Map.entry("snapshot", new Shape(Set.of(), 0, 0)),
      Map.entry("help", new Shape(Set.of(), 0, 0)));

  /** Command names, for the usage text. */
  static Set<String> names() {
    return SHAPES.keySet();
  }

  static CliCommand parse(List<String> words) {
    String name = words.get(0);
    Shape shape = SHAPES.get(name);
    if (shape == null) {
      throw new CliUsageException("unknown command '" + name + "' (help lists them)");
    }
    Set<String> flags = new HashSet<>();
    Integer version = null;
    Long ttl = null;
    List<String> args = new ArrayList<>();
    boolean options = true;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (options && w.equals("--")) {
        options = false;
      } else if (options && w.length() > 1 && w.startsWith("-") && !isNumber(w)) {
        if (!shape.flags().contains(w)) {
          throw new CliUsageException("unknown option " + w + " for " + name);
        }
        flags.add(w);
        if (w.equals("-v")) {
          long v = number(value(words, ++i, "-v"), "-v");
          if (v != (int) v) {
            throw new CliUsageException("-v must be a 32-bit version, was " + v);
          }
          version = (int) v;
        } else if (w.equals("-t")) {
          ttl = number(value(words, ++i, "-t"), "-t");
        }
      } else {
        args.add(w);
      }
    }
    if (args.size() < shape.min() || args.size() > shape.max()) {
      throw new CliUsageException(name + " takes " + (shape.min() == shape.max() ? shape.min()
          : shape.min() + " to " + shape.max()) + " argument(s), got " + args.size());
    }
    CliCommand c = new CliCommand(name, flags, version, ttl, args);
    c.mode(); // validates the create flags
    return c;
  }

  /** Whether the command needs a session: an ephemeral, a watch, or identities that last. */
  boolean needsSession() {
    return flags.contains("-w") || name.equals("watch") || name.equals("addauth") || name.equals("whoami")
        || (name.equals("create") && flags.contains("-e"));
  }

  String path() {
    return args.isEmpty() ? null : args.get(0);
  }

  int versionOrAny() {
    return version == null ? -1 : version;
  }

  /** The create mode its flags give (null for other commands). */
  CreateMode mode() {
    if (!name.equals("create")) {
      return null;
    }
    boolean e = flags.contains("-e");
    boolean s = flags.contains("-s");
    boolean c = flags.contains("-c");
    boolean t = flags.contains("-t");
    if ((e ? 1 : 0) + (c ? 1 : 0) + (t ? 1 : 0) > 1) {
      throw new CliUsageException("-e, -c and -t exclude each other");
    }
    if (c && s) {
      throw new CliUsageException("a container cannot be sequential");
    }
    if (e) {
      return s ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL;
    }
    if (c) {
      return CreateMode.CONTAINER;
    }
    if (t) {
      return s ? CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateMode.PERSISTENT_WITH_TTL;
    }
    return s ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
  }

  static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new CliUsageException(flag + " needs a value");
    }
    return args.get(i);
  }

  static long number(String s, String what) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new CliUsageException(what + " must be a number, was '" + s + "'");
    }
  }

  private static boolean isNumber(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
