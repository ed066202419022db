package io.baton.vertx.launcher;

import java.util.List;

/**
 * JVM flags a Baton process needs on Java 17+: Chronicle Queue's access to JDK internals, and its
 * analytics switched off. The server jar's manifest grants the same opens/exports, so
 * {@code java -jar baton-server.jar} needs none of them; anything that starts Baton from a plain
 * classpath (tests, benchmarks, embedding applications) passes these.
 */
public final class JvmFlags {
  /** The flags, in command-line form. */
  public static final List<String> ALL = List.of(
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "-Dchronicle.analytics.disable=true");

  private JvmFlags() {
  }
}
