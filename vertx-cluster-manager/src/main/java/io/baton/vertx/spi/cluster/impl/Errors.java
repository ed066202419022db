package io.baton.vertx.spi.cluster.impl;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;

/** Tests on the failures of Baton requests. */
final class Errors {
  private Errors() {
  }

  static boolean is(Throwable t, ErrorCode code) {
    return t instanceof BatonException e && e.code() == code;
  }
}
