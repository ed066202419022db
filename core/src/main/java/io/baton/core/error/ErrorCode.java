package io.baton.core.error;

import java.util.HashMap;
import java.util.Map;

/**
 * Error codes of Baton replies. The numeric values of ZooKeeper's codes are ZooKeeper's own
 * ({@code KeeperException.Code}); codes ZooKeeper lacks use -200 and below.
 */
public enum ErrorCode {
  OK(0),
  SYSTEM_ERROR(-1),
  RUNTIME_INCONSISTENCY(-2),
  CONNECTION_LOSS(-4),
  MARSHALLING_ERROR(-5),
  UNIMPLEMENTED(-6),
  OPERATION_TIMEOUT(-7),
  BAD_ARGUMENTS(-8),
  NO_NODE(-101),
  /** Not permitted: an ACL, the recipe tree, an admin operation without a super identity; ZooKeeper's NoAuth. */
  NO_AUTH(-102),
  BAD_VERSION(-103),
  NO_CHILDREN_FOR_EPHEMERALS(-108),
  NODE_EXISTS(-110),
  NOT_EMPTY(-111),
  SESSION_EXPIRED(-112),
  /** An ACL that cannot be stored: empty, an unknown scheme, a malformed id, {@code auth} without identities. */
  INVALID_ACL(-114),
  /** Credentials were refused: a wrong or missing session secret, an unknown user or password. */
  AUTH_FAILED(-115),
  NO_WATCHER(-121),
  /** The node enforces authentication and the client has not authenticated; ZooKeeper's SessionClosedRequireSaslAuth. */
  SESSION_CLOSED_REQUIRE_AUTH(-124),
  /** A per-session quota (watches) is used up; ZooKeeper's QuotaExceeded. */
  QUOTA_EXCEEDED(-125),
  THROTTLED(-127),
  TOO_LARGE(-200),
  INVALID_PATH(-201),
  COMPACTED(-202),
  NOT_READY(-203),
  NOT_HOLDER(-204);

  private static final Map<Integer, ErrorCode> BY_VALUE = new HashMap<>();

  static {
    for (ErrorCode c : values()) {
      BY_VALUE.put(c.value, c);
    }
  }

  private final int value;

  ErrorCode(int value) {
    this.value = value;
  }

  /** The numeric code carried as the failure code of a reply. */
  public int value() {
    return value;
  }

  /** ZooKeeper-style name, e.g. {@code NoNode}. */
  public String displayName() {
    StringBuilder sb = new StringBuilder();
    for (String part : name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase());
    }
    return sb.toString();
  }

  /** The code with the given numeric value, or {@link #SYSTEM_ERROR} for an unknown one. */
  public static ErrorCode of(int value) {
    return BY_VALUE.getOrDefault(value, SYSTEM_ERROR);
  }
}
