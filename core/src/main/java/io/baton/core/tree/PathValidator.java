package io.baton.core.tree;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;

/** Validates znode paths with ZooKeeper's rules ({@code PathUtils.validatePath}). */
public final class PathValidator {
  private PathValidator() {
  }

  /** Throws {@link ErrorCode#INVALID_PATH} unless {@code path} is a valid absolute znode path. */
  public static String validate(String path) {
    if (path == null || path.isEmpty()) {
      throw invalid(path, "path must not be empty");
    }
    if (path.charAt(0) != '/') {
      throw invalid(path, "path must start with /");
    }
    if (path.length() == 1) {
      return path;
    }
    if (path.charAt(path.length() - 1) == '/') {
      throw invalid(path, "path must not end with /");
    }
    int segmentStart = 1;
    for (int i = 1; i <= path.length(); i++) {
      char c = i < path.length() ? path.charAt(i) : '/';
      if (c == '/') {
        int len = i - segmentStart;
        if (len == 0) {
          throw invalid(path, "empty segment at index " + i);
        }
        if ((len == 1 && path.charAt(segmentStart) == '.')
            || (len == 2 && path.charAt(segmentStart) == '.' && path.charAt(segmentStart + 1) == '.')) {
          throw invalid(path, "relative segment at index " + segmentStart);
        }
        segmentStart = i + 1;
      } else if (c == 0
          || (c > '\u0000' && c <= '\u001f')
          || (c >= '\u007f' && c <= '\u009F')
          || (c >= '\ud800' && c <= '\uf8ff')
          || (c >= '\ufff0' && c <= '\uffff')) {
        throw invalid(path, "invalid character @" + i);
      }
    }
    return path;
  }

  /** Validates the path a sequential create will complete with a 10-digit suffix. */
  public static String validateSequentialPrefix(String path) {
    validate(path + "1");
    return path;
  }

  /**
   * Like {@link #validate(String)}, but first refuses with {@link ErrorCode#TOO_LARGE} a path longer
   * than {@code maxBytes} UTF-8 bytes once {@code suffixBytes} are appended (10 for a sequential
   * prefix), without scanning more than {@code maxBytes} characters of it.
   */
  public static String validate(String path, int maxBytes, int suffixBytes) {
    if (path != null) {
      long bytes = path.length() > maxBytes ? path.length() : Paths.utf8Length(path);
      if (bytes + suffixBytes > maxBytes) {
        throw new BatonException(ErrorCode.TOO_LARGE, "path of " + (path.length() > maxBytes ? "over " + maxBytes
            : bytes + suffixBytes) + " bytes exceeds maxPathBytes " + maxBytes);
      }
    }
    return suffixBytes > 0 ? validateSequentialPrefix(path) : validate(path);
  }

  private static BatonException invalid(String path, String reason) {
    return new BatonException(ErrorCode.INVALID_PATH, "'" + path + "': " + reason);
  }
}
