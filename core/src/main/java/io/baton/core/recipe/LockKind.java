package io.baton.core.recipe;

import io.baton.core.error.BatonException;
import java.util.List;

/**
 * The contention recipes and their layouts and grant rules. Every contender is an ephemeral
 * sequential node; order is the sequence number, so grants follow arrival order and only the
 * contenders a release unblocks are woken (no herd).
 */
public enum LockKind {
  /** {@code /baton/locks/<name>/lock-<seq>}: granted to the first contender. */
  MUTEX("locks", "lock-", true),
  /** {@code /baton/rwlocks/<name>/read-<seq>}: granted when no write contender precedes it. */
  READ("rwlocks", "read-", true),
  /** {@code /baton/rwlocks/<name>/write-<seq>}: granted to the first contender. */
  WRITE("rwlocks", "write-", true),
  /** {@code /baton/semaphores/<name>/lease-<seq>}: granted to the first {@code permits} contenders. */
  SEMAPHORE("semaphores", "lease-", false),
  /** {@code /baton/elections/<name>/candidates/c-<seq>}: the first candidate leads. */
  ELECTION("elections", "c-", false);

  private final String root;
  private final String prefix;
  private final boolean reentrant;

  LockKind(String root, String prefix, boolean reentrant) {
    this.root = root;
    this.prefix = prefix;
    this.reentrant = reentrant;
  }

  String prefix() {
    return prefix;
  }

  boolean reentrant() {
    return reentrant;
  }

  /** The directory that holds the contenders of {@code name}. */
  String dir(String name) {
    String base = Names.ROOT + "/" + root + "/" + Names.check(name, root);
    return this == ELECTION ? base + "/candidates" : base;
  }

  /** Whether the contender at {@code index} of the sorted list holds the lock. */
  boolean granted(List<Contender> sorted, int index, int permits) {
    return switch (this) {
      case MUTEX, WRITE, ELECTION -> index == 0;
      case SEMAPHORE -> index < permits;
      case READ -> {
        for (int i = 0; i < index; i++) {
          if (sorted.get(i).isWrite()) {
            yield false;
          }
        }
        yield true;
      }
    };
  }

  public static LockKind parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw BatonException.badArguments("unknown lock kind '" + s + "' (mutex, read, write, semaphore)");
    }
  }
}
