package io.baton.core.recipe;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.PathValidator;

/** Recipe names are single path segments; each recipe keeps its nodes under {@value #ROOT}. */
final class Names {
  static final String ROOT = "/baton";

  private Names() {
  }

  static String check(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw BatonException.badArguments(what + " name must not be empty");
    }
    if (name.indexOf('/') >= 0) {
      throw new BatonException(ErrorCode.BAD_ARGUMENTS, what + " name '" + name + "' must not contain '/'");
    }
    PathValidator.validate("/" + name);
    return name;
  }

  /** The 10-digit sequence suffix of a sequential node name. */
  static long sequence(String childName) {
    return Long.parseLong(childName.substring(childName.length() - 10));
  }
}
