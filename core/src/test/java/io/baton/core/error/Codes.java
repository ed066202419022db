package io.baton.core.error;

/** Test helper: the error code a call fails with ({@link ErrorCode#OK} if it does not fail). */
public final class Codes {
  private Codes() {
  }

  public static ErrorCode of(Runnable call) {
    try {
      call.run();
    } catch (BatonException e) {
      return e.code();
    }
    return ErrorCode.OK;
  }
}
