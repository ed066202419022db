package io.baton.vertx.launcher;

import java.util.List;

/**
 * JVM flags a Baton process needs on Java 17+: Chronicle Queue's access to JDK internals, its
 * analytics switched off, and an exit on the first OutOfMemoryError (a node whose heap ran out
 * must stop, not limp on; {@code Main} also halts on one, but only this flag covers every thread).
 * The server jar's manifest grants the same opens/exports, so {@code java -jar baton-server.jar}
 * needs none of them but {@code -XX:+ExitOnOutOfMemoryError}, which a manifest cannot set; anything
 * that starts Baton from a plain classpath (tests, benchmarks, embedding applications) passes these.
 */
public final class JvmFlags {
  /** The flags, in command-line form. */
  public static final List<String> ALL = List.of(
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "-Dchronicle.analytics.disable=true",
      "-XX:+ExitOnOutOfMemoryError");

  private JvmFlags() {
  }
}
