package io.baton.kafka.mapping;

import io.baton.schemas.event.EventKind;
import java.util.Set;

/**
 * One routing rule: records whose path is {@code prefix} or below it (path-segment-wise; session
 * events have no path and match only the prefix {@code /}) and whose kind is in {@code kinds} (null:
 * every kind) go to {@code topic} (null: dropped). The first matching rule wins.
 *
 * @param includeData whether node data is kept in the records (otherwise data is null and dataOmitted true)
 */
public record Route(String prefix, Set<EventKind> kinds, String topic, boolean includeData) {

  /** Whether this rule takes a record of {@code kind} at {@code path} (null for session events). */
  public boolean matches(String path, EventKind kind) {
    if (kinds != null && !kinds.contains(kind)) {
      return false;
    }
    return covers(prefix, path);
  }

  /** Whether {@code path} is {@code prefix} or below it (null paths only under "/"). */
  public static boolean covers(String prefix, String path) {
    if (prefix.equals("/")) {
      return true;
    }
    if (path == null) {
      return false;
    }
    return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
  }
}
