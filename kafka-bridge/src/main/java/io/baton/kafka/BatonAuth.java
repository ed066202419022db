package io.baton.kafka;

import io.baton.vertx.client.CoordinationClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The identity the bridge authenticates its Baton session as ({@code baton.auth}): a scheme
 * ({@code digest}) and its credentials ({@code user:password}), given inline or read from a file
 * ({@code credentialsFile}, its content trimmed) so that the password stays out of the JSON.
 */
public record BatonAuth(String scheme, String credentials) {
  public BatonAuth {
    if (scheme == null || scheme.isEmpty() || credentials == null || credentials.isEmpty()) {
      throw new IllegalArgumentException("baton.auth needs a scheme and credentials");
    }
  }

  /** Parses {@code {"scheme": "digest", "credentials": "user:pw"}} or {@code {"credentialsFile": "path"}}; null: none. */
  static BatonAuth parse(JsonObject auth) {
    if (auth == null) {
      return null;
    }
    String scheme = auth.getString("scheme", "digest");
    String inline = auth.getString("credentials");
    String file = auth.getString("credentialsFile");
    if ((inline == null) == (file == null)) {
      throw new IllegalArgumentException("baton.auth needs exactly one of credentials and credentialsFile");
    }
    if (inline != null) {
      return new BatonAuth(scheme, inline);
    }
    try {
      return new BatonAuth(scheme, Files.readString(Path.of(file)).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("baton.auth.credentialsFile " + file + " cannot be read", e);
    }
  }

  /** The user part of the credentials, for log lines (never the password). */
  public String user() {
    int colon = credentials.indexOf(':');
    return scheme + ":" + (colon < 0 ? credentials : credentials.substring(0, colon));
  }

  /** Authenticates {@code client}'s session; on failure closes it and fails with the refusal. */
  public Future<CoordinationClient> authenticate(CoordinationClient client) {
    return client.addAuth(scheme, credentials).map(client)
        .recover(e -> client.close().transform(x -> Future.<CoordinationClient>failedFuture(e)));
  }

  @Override
  public String toString() {
    return "BatonAuth[" + user() + "]";
  }
}
