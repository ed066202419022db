package io.baton.vertx.cli;

/** A command line the CLI cannot run: printed with the usage, exit code 2. */
final class CliUsageException extends RuntimeException {
  CliUsageException(String message) {
    super(message, null, false, false);
  }
}
