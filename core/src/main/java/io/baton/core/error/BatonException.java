package io.baton.core.error;

/** A failed Baton operation: an {@link ErrorCode} and a human-readable message. */
public class BatonException extends RuntimeException {
  private final ErrorCode code;

  public BatonException(ErrorCode code, String message) {
    super(code.displayName() + ": " + message, null, false, false);
    this.code = code;
  }

  /**
   * Rebuilds an exception from a reply failure (code + message as sent by a node), without
   * repeating the code name the message already starts with.
   */
  public static BatonException fromReply(int code, String message) {
    ErrorCode c = ErrorCode.of(code);
    String prefix = c.displayName() + ": ";
    String text = message == null ? "" : message;
    return new BatonException(c, text.startsWith(prefix) ? text.substring(prefix.length()) : text);
  }

  public ErrorCode code() {
    return code;
  }

  public static BatonException noNode(String path) {
    return new BatonException(ErrorCode.NO_NODE, path);
  }

  public static BatonException nodeExists(String path) {
    return new BatonException(ErrorCode.NODE_EXISTS, path);
  }

  public static BatonException badVersion(String path, int expected, int actual) {
    return new BatonException(ErrorCode.BAD_VERSION, path + " expected version " + expected + " but is " + actual);
  }

  public static BatonException badArguments(String message) {
    return new BatonException(ErrorCode.BAD_ARGUMENTS, message);
  }
}
