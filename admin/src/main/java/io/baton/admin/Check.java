package io.baton.admin;

import java.util.List;

/**
 * One health check's outcome, as {@code /livez}, {@code /readyz} and {@code /health} list it.
 *
 * @param name   the check's name ({@code [+]name ok}), also its Vert.x health-check name under {@code live/} or {@code ready/}
 * @param ok     whether it passed
 * @param reason why it failed; empty when it passed
 */
public record Check(String name, boolean ok, String reason) {
  /** A passed check. */
  public static Check ok(String name) {
    return new Check(name, true, "");
  }

  /** A failed check. */
  public static Check failed(String name, String reason) {
    return new Check(name, false, reason);
  }

  /** Whether every check of {@code checks} passed. */
  public static boolean passed(List<Check> checks) {
    return checks.stream().allMatch(Check::ok);
  }
}
