package io.baton.zookeeper.impl;

import io.baton.core.error.ErrorCode;

/**
 * Error codes on the ZooKeeper wire ({@code KeeperException.Code}). Baton's {@link ErrorCode} uses
 * ZooKeeper's numbers; its own codes (-200 and below), which ZooKeeper's clients do not know, are
 * sent as the nearest ZooKeeper code.
 */
final class ZkCodes {
  static final int OK = 0;
  static final int RUNTIME_INCONSISTENCY = ErrorCode.RUNTIME_INCONSISTENCY.value();
  static final int MARSHALLING_ERROR = ErrorCode.MARSHALLING_ERROR.value();
  static final int UNIMPLEMENTED = ErrorCode.UNIMPLEMENTED.value();
  static final int AUTH_FAILED = ErrorCode.AUTH_FAILED.value();

  private ZkCodes() {
  }

  /** The code a ZooKeeper client is sent for {@code code}. */
  static int of(ErrorCode code) {
    return switch (code) {
      // a path or a value too long, a path malformed: ZooKeeper refuses both as bad arguments
      case TOO_LARGE, INVALID_PATH -> ErrorCode.BAD_ARGUMENTS.value();
      // the node cannot serve now (halted, behind): the client should retry, possibly elsewhere
      case NOT_READY -> ErrorCode.CONNECTION_LOSS.value();
      case COMPACTED, NOT_HOLDER -> ErrorCode.SYSTEM_ERROR.value();
      default -> code.value();
    };
  }
}
