package io.baton.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/** Process-wide Avro settings every Baton module relies on. */
public final class Schemas {
  private static volatile boolean trusted;

  private Schemas() {
  }

  /**
   * Lets Avro instantiate Baton's generated classes when decoding ({@code io.baton.schemas.*}) in
   * addition to whatever the application already trusts. Idempotent.
   */
  public static void trust() {
    if (trusted) {
      return;
    }
    synchronized (Schemas.class) {
      if (!trusted) {
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
            c -> c.getName().startsWith("io.baton.schemas.")));
        trusted = true;
      }
    }
  }
}
