package io.baton.core.tree;

/** Small helpers on validated znode paths. */
public final class Paths {
  private Paths() {
  }

  /** The parent of a non-root path ({@code /a/b -> /a}, {@code /a -> /}). */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  /** The last segment of a non-root path. */
  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** {@code parent + "/" + child} without doubling the root's slash. */
  public static String child(String parent, String name) {
    return parent.length() == 1 ? "/" + name : parent + "/" + name;
  }

  /** True if {@code path} equals {@code prefix} or lies below it. */
  public static boolean isAtOrBelow(String path, String prefix) {
    if (prefix.length() == 1) {
      return true;
    }
    return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
  }

  /** Length of {@code s} in UTF-8 bytes (an unpaired surrogate counts as the 3 bytes of its replacement). */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
