package io.baton.vertx.cli;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ClientTls;
import io.baton.vertx.launcher.Main;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A command-line client in the spirit of {@code zkCli}: connects through the TCP event-bus bridge,
 * runs one command (or, with none, an interactive shell), prints only its result on stdout and exits
 * 0 on success; on failure it prints {@code Error <Name> (<code>): message} on stderr and exits 1 (2
 * for a usage error). Node data is UTF-8 text. Commands run without a session unless they need one
 * (ephemerals, watches, identities). {@code help} lists the commands and options.
 */
public final class BatonCli {
  private BatonCli() {
  }

  /**
   * The CLI and tools print only their results on stdout: unless told otherwise, their log lines go
   * to stderr, warnings and errors only. Call before anything logs.
   */
  public static void quietLogging() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "baton-cli-logback.xml");
    }
  }

  public static void main(String[] args) {
    quietLogging();
    // Ctrl-C interrupts the command (ending a watch) so the session is closed before the JVM exits
    Thread main = Thread.currentThread();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      main.interrupt();
      try {
        done.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    }, "baton-cli-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int code = run(args, System.in, System.console() != null, System.out, System.err);
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running; exit below waits for it
    }
    System.exit(code);
  }

  /** The global options. */
  private record Options(List<String> servers, long count, boolean json, ClientOptions client, String credentials) {
  }

  /** Runs one command (no command: a shell on empty input, which ends at once); returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, InputStream.nullInputStream(), false, out, err);
  }

  /** Runs one command, or the shell on {@code in} when none is given; returns the exit code. */
  public static int run(String[] args, InputStream in, boolean prompt, PrintStream out, PrintStream err) {
    Options options;
    CliCommand command;
    try {
      List<String> rest = new ArrayList<>();
      options = options(args, rest);
      if (options == null) {
        out.println(usage());
        return 0;
      }
      command = rest.isEmpty() ? null : CliCommand.parse(rest);
    } catch (CliUsageException e) {
      err.println("Error: " + e.getMessage());
      err.println(usage());
      return 2;
    }
    if (command != null && command.name().equals("help")) {
      out.println(usage());
      return 0;
    }
    Vertx vertx = Vertx.vertx();
    try (CliConnection connection = new CliConnection(vertx, options.servers(), options.client(),
        options.credentials())) {
      CliRunner runner = new CliRunner(connection, out, options.json(), options.count());
      if (command == null) {
        return new CliShell(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), out, err, prompt)
            .run(runner, usage());
      }
      return runner.run(command) ? 0 : 1;
    } catch (CliUsageException e) {
      err.println("Error: " + e.getMessage());
      return 2;
    } catch (BatonException e) {
      err.println(describe(e));
      return 1;
    } catch (InterruptedException e) {
      // interrupted (Ctrl-C) while watching: a normal end; the flag stays clear so we can close
      return 0;
    } catch (IOException e) {
      err.println("Error: cannot read the input: " + e.getMessage());
      return 1;
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
      out.flush();
      err.flush();
    }
  }

  /**
   * Parses the global options, wherever they stand before a {@code --}, into options (null for
   * {@code --help}), leaving the command's words in {@code rest}.
   */
  private static Options options(String[] args, List<String> rest) {
    String servers = "127.0.0.1:" + Main.DEFAULT_BRIDGE_PORT;
    long count = Long.MAX_VALUE;
    boolean json = false;
    String tlsCa = null;
    String tlsCert = null;
    String tlsKey = null;
    String authFile = null;
    List<String> words = List.of(args);
    for (int i = 0; i < words.size(); i++) {
      if (words.get(i).equals("--")) {
        rest.addAll(words.subList(i, words.size()));
        break;
      }
      switch (words.get(i)) {
        case "--server" -> servers = CliCommand.value(words, ++i, "--server");
        case "--count" -> count = CliCommand.number(CliCommand.value(words, ++i, "--count"), "--count");
        case "--json" -> json = true;
        case "--tls-ca" -> tlsCa = CliCommand.value(words, ++i, "--tls-ca");
        case "--tls-cert" -> tlsCert = CliCommand.value(words, ++i, "--tls-cert");
        case "--tls-key" -> tlsKey = CliCommand.value(words, ++i, "--tls-key");
        case "--auth-file" -> authFile = CliCommand.value(words, ++i, "--auth-file");
        case "-h", "--help" -> {
          return null;
        }
        default -> {
          if (words.get(i).startsWith("--")) {
            throw new CliUsageException("unknown option " + words.get(i));
          }
          rest.add(words.get(i));
        }
      }
    }
    List<String> list = Arrays.stream(servers.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (list.isEmpty()) {
      throw new CliUsageException("--server needs at least one host:port");
    }
    list.forEach(CliConnection.HostPort::parse);
    return new Options(list, count, json, client(tlsCa, tlsCert, tlsKey),
        authFile == null ? null : credentials(authFile));
  }

  /** The {@code user:password} in a file (a password on the command line would show in {@code ps}). */
  private static String credentials(String file) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new CliUsageException("cannot read --auth-file " + file + ": " + e.getMessage());
    }
  }

  /** Plaintext options, or TLS ones when any TLS flag was given. */
  private static ClientOptions client(String ca, String cert, String key) {
    if ((cert == null) != (key == null)) {
      throw new CliUsageException("--tls-cert and --tls-key go together");
    }
    if (ca == null && cert == null) {
      return ClientOptions.defaults();
    }
    ClientTls tls = new ClientTls(ca == null ? null : new PemTrustOptions().addCertPath(ca), null, true);
    return ClientOptions.defaults().withTls(cert == null ? tls : tls.withClientCertificate(cert, key));
  }

  /** {@code Error <Name> (<code>): message}. */
  static String describe(BatonException e) {
    return "Error " + e.code().displayName() + " (" + e.code().value() + "): " + message(e);
  }

  /** The error's message without the {@code Name: } prefix its code already gives. */
  static String message(BatonException e) {
    String prefix = e.code().displayName() + ": ";
    String msg = e.getMessage();
    return msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
  }

  static String usage() {
    return String.join(System.lineSeparator(),
        "usage: baton-cli [options] [command [args]]     (no command: an interactive shell)",
        "options:",
        "  --server h:p[,h:p...]   nodes to use, tried in turn (default 127.0.0.1:" + Main.DEFAULT_BRIDGE_PORT + ")",
        "  --json                  print each result as one JSON object",
        "  --count N               watch: stop after N events",
        "  --tls-ca ca.crt         connect over TLS trusting this CA (PEM)",
        "  --tls-cert c.crt --tls-key c.key   present a client certificate (PEM)",
        "  --auth-file f           authenticate with the digest user:password in file f",
        "commands:",
        "  ls [-s] [-R] [-w] <path>        children (-s stat, -R the whole subtree, -w wait for a change)",
        "  get [-s] [-w] <path>            data as UTF-8 text",
        "  set [-s] [-v version] <path> <data>",
        "  create [-e] [-s] [-c] [-t ttl] [-p] <path> [data]",
        "                                  ephemeral, sequential, container, TTL in ms, create parents",
        "  delete [-v version] <path>",
        "  deleteall <path>                the node and its whole subtree",
        "  stat [-w] <path>",
        "  sync <path>                     catch the node up with the leader",
        "  watch <path>                    persistent recursive; events until interrupted or --count",
        "  getAcl <path>",
        "  setAcl [-v aclVersion] <path> <scheme:id:perms>...   e.g. digest:alice:<hash>:cdrwa world:anyone:r",
        "  addauth <scheme> <auth>         e.g. addauth digest alice:secret (shell: for later commands)",
        "  whoami                          the identities requests are made with",
        "  info                            the node's role, zxid and counts",
        "  cluster                         every --server node: role, term, leader, commit, applied, lag",
        "  health                          every --server node healthy or not (exit 1 if any is not)",
        "  snapshot                        write a snapshot now; prints its file in the data directory",
        "  help",
        "exit status: 0 success, 1 a Baton error or an unhealthy node, 2 a usage error");
  }
}
