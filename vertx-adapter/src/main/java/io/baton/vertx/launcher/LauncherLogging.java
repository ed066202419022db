package io.baton.vertx.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.Logger;

/**
 * The launcher's logging, set up in code (a third of the time logback takes to read the same from
 * XML, on the start's critical path): INFO and up to stdout (journald, docker logs) and to a rotated
 * file, {@code ${baton.log.dir}/baton.log} (default {@code ./logs}), rolled daily and at 50 MB, 14
 * days and 1 GB kept at most; Chronicle and Netty at WARN. Logback finds it as a {@link Configurator}
 * service but it acts only in the launcher ({@link #ACTIVE} set, {@code logback.configurationFile}
 * not): elsewhere, and when an operator names a configuration file, logback's own lookup decides.
 */
public final class LauncherLogging extends ContextAwareBase implements Configurator {
  /** System property the launcher sets to use this configuration. */
  static final String ACTIVE = "baton.launcherLogging";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ACTIVE) == null || System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    String dir = System.getProperty("baton.log.dir", "logs");
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder(context, "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n"));
    console.start();

    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(context);
    file.setName("FILE");
    file.setFile(dir + "/baton.log");
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(context);
    policy.setParent(file);
    policy.setFileNamePattern(dir + "/baton.%d{yyyy-MM-dd}.%i.log.gz");
    policy.setMaxFileSize(FileSize.valueOf("50MB"));
    policy.setMaxHistory(14);
    policy.setTotalSizeCap(FileSize.valueOf("1GB"));
    policy.start();
    file.setRollingPolicy(policy);
    file.setEncoder(encoder(context, "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n"));
    file.start();

    context.getLogger("net.openhft").setLevel(Level.WARN);
    context.getLogger("io.netty").setLevel(Level.WARN);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    root.addAppender(file);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    return encoder;
  }
}
