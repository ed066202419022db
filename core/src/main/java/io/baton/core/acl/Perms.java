package io.baton.core.acl;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;

/** ZooKeeper's permission bits, and their letters {@code r w c d a} (as zkCli prints them). */
public final class Perms {
  public static final int READ = 1;
  public static final int WRITE = 2;
  public static final int CREATE = 4;
  public static final int DELETE = 8;
  public static final int ADMIN = 16;
  public static final int ALL = READ | WRITE | CREATE | DELETE | ADMIN;
  private static final String LETTERS = "rwcda";

  private Perms() {
  }

  /** Bits from letters, e.g. {@code "cdrwa"}; InvalidACL for anything else. */
  public static int parse(String letters) {
    int perms = 0;
    for (char ch : letters.toCharArray()) {
      int i = LETTERS.indexOf(ch);
      if (i < 0) {
        throw new BatonException(ErrorCode.INVALID_ACL, "unknown permission '" + ch + "' in '" + letters
            + "': use r, w, c, d, a");
      }
      perms |= 1 << i;
    }
    return perms;
  }

  /** Letters of {@code perms}, in ZooKeeper's order {@code cdrwa}. */
  public static String format(int perms) {
    StringBuilder sb = new StringBuilder();
    for (char ch : "cdrwa".toCharArray()) {
      if ((perms & (1 << LETTERS.indexOf(ch))) != 0) {
        sb.append(ch);
      }
    }
    return sb.toString();
  }
}
