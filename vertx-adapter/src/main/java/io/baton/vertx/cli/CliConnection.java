package io.baton.vertx.cli;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.vertx.client.ClientOptions;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.impl.BridgeTransport;
import io.baton.vertx.client.impl.Transport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CLI's way to the nodes: requests go over a plain bridge connection without a session (tried
 * on each server of the list in turn) unless the command needs one, when a session is opened once,
 * with failover over the same list, and authenticated with the {@code --auth-file} credentials (which
 * make every command use the session: identities belong to sessions). Watch events and the loss of
 * the session queue up for the command that waits for them.
 */
final class CliConnection implements AutoCloseable {
  /** How long a command waits for a reply, or for one server to accept a connection. */
  static final long TIMEOUT_S = 15;
  private static final int PROBE_TIMEOUT_MS = 3_000;
  private final Vertx vertx;
  private final List<String> servers;
  private final ClientOptions options;
  private final String credentials;
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private Transport transport;
  private CoordinationClient client;

  CliConnection(Vertx vertx, List<String> servers, ClientOptions options, String credentials) {
    this.vertx = vertx;
    this.servers = servers;
    this.options = options;
    this.credentials = credentials;
  }

  List<String> servers() {
    return servers;
  }

  /** Sends {@code request} in the session if there is one or {@code session} asks for it, else without. */
  JsonObject request(JsonObject request, boolean session) {
    if (session || credentials != null || client != null) {
      return await(client().request(request));
    }
    return await(transport().request(request));
  }

  /** Adds an identity to the session (opening it if needed). */
  void addAuth(String scheme, String auth) {
    await(client().addAuth(scheme, auth));
  }

  /** Sends a sessionless {@code request} to {@code server} alone, on a connection of its own, with a short timeout. */
  JsonObject requestAt(String server, JsonObject request) {
    HostPort hp = HostPort.parse(server);
    Transport t = await(BridgeTransport.connect(vertx, hp.host(), hp.port(), options, PROBE_TIMEOUT_MS));
    try {
      return await(t.request(request, PROBE_TIMEOUT_MS));
    } finally {
      t.close();
    }
  }

  /** The next watch event (a WatchEvent) or the session's loss (a BatonException); waits. */
  Object nextEvent() throws InterruptedException {
    client();
    return events.take();
  }

  CoordinationClient client() {
    if (client == null) {
      client = await(CoordinationClient.connectBridge(vertx, servers, options));
      client.watchHandler(e -> events.add(e));
      client.sessionLostHandler(state -> events.add(new BatonException(ErrorCode.SESSION_EXPIRED,
          "session " + state)));
      if (credentials != null) {
        await(client.addAuth("digest", credentials));
      }
    }
    return client;
  }

  private Transport transport() {
    if (transport == null) {
      BatonException last = null;
      for (String server : servers) {
        HostPort hp = HostPort.parse(server);
        try {
          transport = await(BridgeTransport.connect(vertx, hp.host(), hp.port(), options));
          transport.closeHandler(v -> transport = null);
          return transport;
        } catch (BatonException e) {
          last = e;
        }
      }
      throw last;
    }
    return transport;
  }

  @Override
  public void close() {
    if (client != null) {
      try {
        client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway; the session expires
      }
    }
    if (transport != null) {
      transport.close();
    }
  }

  static <T> T await(Future<T> f) {
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

  /** {@code host:port}. */
  record HostPort(String host, int port) {
    static HostPort parse(String server) {
      int colon = server.lastIndexOf(':');
      if (colon <= 0) {
        throw new CliUsageException("a server is host:port, was '" + server + "'");
      }
      long port = CliCommand.number(server.substring(colon + 1), "the port of " + server);
      if (port < 1 || port > 65535) {
        throw new CliUsageException("the port of " + server + " must be 1..65535");
      }
      return new HostPort(server.substring(0, colon), (int) port);
    }
  }
}
