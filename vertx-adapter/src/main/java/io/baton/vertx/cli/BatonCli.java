package io.baton.vertx.cli;

import io.baton.core.acl.Acl;
import io.baton.core.acl.Perms;
import io.baton.core.auth.Identity;
import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.core.tree.Children;
import io.baton.core.tree.CreateMode;
import io.baton.core.tree.NodeData;
import io.baton.core.tree.Stat;
import io.baton.core.watch.AddWatchMode;
import io.baton.core.watch.WatchEvent;
import io.baton.vertx.api.Protocol;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.ClientTls;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.launcher.Main;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small command-line client in the spirit of {@code zkCli}: connects through the TCP event-bus
 * bridge, runs one command, prints its result and exits 0 on success; on failure it prints
 * {@code Error <Name> (<code>): message} and exits 1 (2 for a usage error). Node data is UTF-8 text.
 * <pre>
 *   baton-cli [--server host:port] [--count N] [--tls-ca ca.crt [--tls-cert c.crt --tls-key c.key]]
 *             &lt;command&gt; [args]
 *     ls [-s] path                 children (and the stat)
 *     get [-s] path                data (and the stat)
 *     set path data [-v version]   replace the data
 *     create [-e] [-s] [-c] [-t ttl] [-p] path [data]
 *                                  ephemeral, sequential, container, TTL, create parents
 *     delete [-v version] path
 *     stat path
 *     watch path                   persistent recursive watch; prints events until interrupted
 *                                  or until --count events arrived
 *     info                         node information
 * </pre>
 * {@code --tls-ca} connects over TLS, trusting that PEM CA file (without it, a {@code --tls-cert}
 * connection trusts the JVM's default CAs); {@code --tls-cert} and {@code --tls-key} present a
 * client certificate (PEM). The node's certificate must name the host of {@code --server}.
 */
public final class BatonCli {
  private static final long TIMEOUT_S = 30;

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
    int code = run(args, System.out, System.err);
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running; exit below waits for it
    }
    System.exit(code);
  }

  /** Usage errors: printed with the usage, exit code 2. */
  private static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  /** Runs one command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    String server = "127.0.0.1:" + Main.DEFAULT_BRIDGE_PORT;
    long count = Long.MAX_VALUE;
    String tlsCa = null;
    String tlsCert = null;
    String tlsKey = null;
    String authFile = null;
    List<String> rest = new ArrayList<>();
    Command cmd;
    ClientOptions options;
    String host;
    int port;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--server" -> server = value(args, ++i, "--server");
          case "--count" -> count = number(value(args, ++i, "--count"), "--count");
          case "--tls-ca" -> tlsCa = value(args, ++i, "--tls-ca");
          case "--tls-cert" -> tlsCert = value(args, ++i, "--tls-cert");
          case "--tls-key" -> tlsKey = value(args, ++i, "--tls-key");
          case "--auth-file" -> authFile = value(args, ++i, "--auth-file");
          case "-h", "--help" -> {
            out.println(usage());
            return 0;
          }
          default -> rest.add(args[i]);
        }
      }
      if (rest.isEmpty()) {
        throw new UsageException("no command given");
      }
      cmd = Command.parse(rest);
      options = options(tlsCa, tlsCert, tlsKey);
      int colon = server.lastIndexOf(':');
      if (colon <= 0) {
        throw new UsageException("--server must be host:port, was '" + server + "'");
      }
      host = server.substring(0, colon);
      port = (int) number(server.substring(colon + 1), "--server port");
    } catch (UsageException e) {
      err.println("Error: " + e.getMessage());
      err.println(usage());
      return 2;
    }

    Vertx vertx = Vertx.vertx();
    CoordinationClient client = null;
    try {
      client = await(CoordinationClient.connectBridge(vertx, host, port, options));
      if (authFile != null) {
        await(client.addAuth("digest", credentials(authFile)));
      }
      cmd.execute(client, out, count);
      return 0;
    } catch (BatonException e) {
      err.println(describe(e));
      return 1;
    } catch (InterruptedException e) {
      // interrupted (Ctrl-C) while watching: a normal end; the flag stays clear so we can close
      return 0;
    } finally {
      if (client != null) {
        try {
          client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // exiting anyway; the session expires
        }
      }
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
      out.flush();
      err.flush();
    }
  }

  /** The {@code user:password} in a file (a password on the command line would show in {@code ps}). */
  private static String credentials(String file) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new BatonException(ErrorCode.AUTH_FAILED, "cannot read --auth-file " + file + ": " + e.getMessage());
    }
  }

  /** Plaintext options, or TLS ones when any TLS flag was given. */
  private static ClientOptions options(String ca, String cert, String key) {
    if ((cert == null) != (key == null)) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    if (ca == null && cert == null) {
      return ClientOptions.defaults();
    }
    ClientTls tls = new ClientTls(ca == null ? null : new PemTrustOptions().addCertPath(ca), null, true);
    return ClientOptions.defaults().withTls(cert == null ? tls : tls.withClientCertificate(cert, key));
  }

  /** {@code Error <Name> (<code>): message}. */
  static String describe(BatonException e) {
    String prefix = e.code().displayName() + ": ";
    String msg = e.getMessage();
    return "Error " + e.code().displayName() + " (" + e.code().value() + "): "
        + (msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
  }

  static String usage() {
    return String.join(System.lineSeparator(),
        "usage: baton-cli [--server host:port] [--count N]",
        "                 [--tls-ca ca.crt [--tls-cert client.crt --tls-key client.key]]",
        "                 [--auth-file f (user:password, digest)] <command> [args]",
        "  ls [-s] <path>",
        "  get [-s] <path>",
        "  set <path> <data> [-v version]",
        "  create [-e] [-s] [-c] [-t ttl] [-p] <path> [data]",
        "     -e ephemeral, -s sequential, -c container, -t TTL in ms, -p create parents",
        "  delete [-v version] <path>",
        "  stat <path>",
        "  watch <path>      (persistent recursive; until interrupted or --count events)",
        "  getAcl <path>",
        "  setAcl [-v aclVersion] <path> <scheme:id:perms> [...]   e.g. digest:alice:<hash>:cdrwa world:anyone:r",
        "  info");
  }

  /** One parsed command with its flags and positional arguments. */
  private record Command(String name, Set<String> flags, Integer version, Long ttl, List<String> args) {

    static Command parse(List<String> words) {
      String name = words.get(0);
      Set<String> allowed = switch (name) {
        case "ls", "get" -> Set.of("-s");
        case "set", "delete" -> Set.of("-v");
        case "create" -> Set.of("-e", "-s", "-c", "-t", "-p");
        case "stat", "watch", "info", "getAcl" -> Set.of();
        case "setAcl" -> Set.of("-v");
        default -> throw new UsageException("unknown command '" + name + "'");
      };
      Set<String> flags = new HashSet<>();
      Integer version = null;
      Long ttl = null;
      List<String> args = new ArrayList<>();
      boolean options = true;
      for (int i = 1; i < words.size(); i++) {
        String w = words.get(i);
        if (options && w.equals("--")) {
          options = false;
        } else if (options && w.length() > 1 && w.startsWith("-") && !isNumber(w)) {
          if (!allowed.contains(w)) {
            throw new UsageException("unknown option " + w + " for " + name);
          }
          flags.add(w);
          if (w.equals("-v")) {
            long v = number(value(words, ++i, "-v"), "-v");
            if (v != (int) v) {
              throw new UsageException("-v must be a 32-bit version, was " + v);
            }
            version = (int) v;
          } else if (w.equals("-t")) {
            ttl = number(value(words, ++i, "-t"), "-t");
          }
        } else {
          args.add(w);
        }
      }
      int min = switch (name) {
        case "info" -> 0;
        case "set", "setAcl" -> 2;
        default -> 1;
      };
      int max = switch (name) {
        case "info" -> 0;
        case "set", "create" -> 2;
        case "setAcl" -> 1 + 64;
        default -> 1;
      };
      if (args.size() < min || args.size() > max) {
        throw new UsageException(name + " takes " + (min == max ? min : min + " to " + max) + " argument(s), got "
            + args.size());
      }
      Command c = new Command(name, flags, version, ttl, args);
      c.mode(); // validates the create flags
      return c;
    }

    CreateMode mode() {
      boolean e = flags.contains("-e");
      boolean s = flags.contains("-s");
      boolean c = flags.contains("-c");
      boolean t = flags.contains("-t");
      if (!name.equals("create")) {
        return null;
      }
      if ((e ? 1 : 0) + (c ? 1 : 0) + (t ? 1 : 0) > 1) {
        throw new UsageException("-e, -c and -t exclude each other");
      }
      if (c && s) {
        throw new UsageException("a container cannot be sequential");
      }
      if (e) {
        return s ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL;
      }
      if (c) {
        return CreateMode.CONTAINER;
      }
      if (t) {
        return s ? CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateMode.PERSISTENT_WITH_TTL;
      }
      return s ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
    }

    void execute(CoordinationClient client, PrintStream out, long count) throws InterruptedException {
      String path = args.isEmpty() ? null : args.get(0);
      switch (name) {
        case "ls" -> {
          Children c = await(client.getChildren(path, false));
          out.println(c.names());
          if (flags.contains("-s")) {
            printStat(out, c.stat());
          }
        }
        case "get" -> {
          NodeData d = await(client.getData(path, false));
          out.println(d.data() == null ? "null" : new String(d.data(), StandardCharsets.UTF_8));
          if (flags.contains("-s")) {
            printStat(out, d.stat());
          }
        }
        case "set" -> await(client.setData(path, utf8(args.get(1)), version == null ? -1 : version));
        case "create" -> {
          String created = await(client.create(path, args.size() > 1 ? utf8(args.get(1)) : new byte[0], mode(),
              ttl == null ? 0 : ttl, flags.contains("-p")));
          out.println("Created " + created);
        }
        case "delete" -> await(client.delete(path, version == null ? -1 : version));
        case "stat" -> {
          Stat s = await(client.exists(path, false));
          if (s == null) {
            throw BatonException.noNode(path);
          }
          printStat(out, s);
        }
        case "watch" -> watch(client, path, out, count);
        case "getAcl" -> await(client.getACL(path)).acl().forEach(a -> out.println(aclEntry(a)));
        case "setAcl" -> {
          List<Acl> acl = new ArrayList<>();
          for (String entry : args.subList(1, args.size())) {
            acl.add(aclEntry(entry));
          }
          Stat s = await(client.setACL(path, acl, version == null ? -1 : version));
          out.println("aclVersion = " + s.aversion());
        }
        case "info" -> {
          JsonObject info = await(client.request(new JsonObject().put("op", "info")));
          info.forEach(e -> out.println(e.getKey() + " = " + e.getValue()));
        }
        default -> throw new IllegalStateException(name);
      }
    }

    private static void watch(CoordinationClient client, String path, PrintStream out, long count)
        throws InterruptedException {
      BlockingQueue<Object> events = new LinkedBlockingQueue<>();
      client.watchHandler(events::add);
      client.sessionLostHandler(state -> events.add(new BatonException(ErrorCode.SESSION_EXPIRED,
          "session " + state)));
      await(client.addWatch(path, AddWatchMode.PERSISTENT_RECURSIVE));
      out.println("Watching " + path + " (persistent recursive)");
      out.flush();
      for (long received = 0; received < count; received++) {
        Object next = events.take();
        if (next instanceof BatonException e) {
          throw e;
        }
        WatchEvent e = (WatchEvent) next;
        out.println("WatchedEvent type:" + e.type() + " path:" + e.path() + " zxid:0x" + Long.toHexString(e.zxid()));
        out.flush();
      }
    }
  }

  /** {@code scheme:id:perms}, as zkCli writes an ACL entry. */
  private static String aclEntry(Acl a) {
    return a.id().scheme() + ":" + a.id().id() + ":" + Perms.format(a.perms());
  }

  /** Parses {@code scheme:id:perms} (the id may hold colons: {@code digest:alice:hash:cdrwa}). */
  private static Acl aclEntry(String entry) {
    int first = entry.indexOf(':');
    int last = entry.lastIndexOf(':');
    if (first <= 0 || last == first) {
      throw new BatonException(ErrorCode.INVALID_ACL, "an ACL entry is scheme:id:perms, e.g. world:anyone:r or"
          + " digest:alice:<hash>:cdrwa, got '" + entry + "'");
    }
    return new Acl(Perms.parse(entry.substring(last + 1)),
        new Identity(entry.substring(0, first), entry.substring(first + 1, last)));
  }

  private static void printStat(PrintStream out, Stat s) {
    out.println("cZxid = 0x" + Long.toHexString(s.czxid()));
    out.println("ctime = " + Instant.ofEpochMilli(s.ctime()));
    out.println("mZxid = 0x" + Long.toHexString(s.mzxid()));
    out.println("mtime = " + Instant.ofEpochMilli(s.mtime()));
    out.println("pZxid = 0x" + Long.toHexString(s.pzxid()));
    out.println("cversion = " + s.cversion());
    out.println("dataVersion = " + s.version());
    out.println("aclVersion = " + s.aversion());
    out.println("ephemeralOwner = " + Protocol.hex(s.ephemeralOwner()));
    out.println("dataLength = " + s.dataLength());
    out.println("numChildren = " + s.numChildren());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof BatonException be) {
        throw be;
      }
      throw new BatonException(ErrorCode.SYSTEM_ERROR, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new BatonException(ErrorCode.OPERATION_TIMEOUT, "no reply within " + TIMEOUT_S + " s");
    } catch (InterruptedException e) {
      // not re-flagged: the command ends here and the session must still be closed
      throw new BatonException(ErrorCode.SYSTEM_ERROR, "interrupted");
    }
  }

  private static String value(String[] args, int i, String flag) {
    return value(List.of(args), i, flag);
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new UsageException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static boolean isNumber(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static long number(String s, String what) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new UsageException(what + " must be a number, was '" + s + "'");
    }
  }
}
