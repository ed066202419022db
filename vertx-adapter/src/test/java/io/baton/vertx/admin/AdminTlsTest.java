package io.baton.vertx.admin;

import static io.baton.vertx.cluster.ClusterProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.vertx.launcher.Main;
import io.baton.vertx.process.ServerProcess;
import io.baton.vertx.tls.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port with {@code adminTls} (certificates made by keytool, {@link TestPki}) under
 * {@code enforceAuth}: health over HTTPS trusting the CA, the metrics and the API for a client
 * certificate named in {@code superUsers} (401 without one), a client that does not trust the CA
 * and plain HTTP refused.
 */
class AdminTlsTest {
  @TempDir
  Path dir;

  @Test
  void httpsTrustingTheCaAndASuperUsersCertificate() throws Exception {
    TestPki pki = TestPki.get();
    Vertx vertx = Vertx.vertx();
    try {
      int admin = ServerProcess.freePort();
      await(Main.start(vertx, new JsonObject().put("dataDir", dir.resolve("data").toString())
          .put("durability", "none").put("bridgePort", ServerProcess.freePort()).put("adminPort", admin)
          .put("enforceAuth", true).put("superUsers", new JsonArray().add("x509:" + TestPki.CLIENT_SUBJECT))
          .put("adminTls", new JsonObject().put("certPath", pki.serverCert().toString())
              .put("keyPath", pki.serverKey().toString()).put("trustPath", pki.caCert().toString())
              .put("clientAuth", "request"))));
      HttpClient trusting = client(pki, null);
      HttpClient superUser = client(pki, pki.clientKeyStore());

      HttpResponse<String> ready = get(trusting, "https", admin, "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ok");
      assertThat(get(trusting, "https", admin, "/metrics").statusCode()).isEqualTo(401);
      assertThat(get(trusting, "https", admin, "/api/status").statusCode()).isEqualTo(401);
      HttpResponse<String> metrics = get(superUser, "https", admin, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("baton_znodes");
      HttpResponse<String> status = get(superUser, "https", admin, "/api/status");
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(status.body()).getBoolean("enforceAuth")).isTrue();

      HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> get(untrusting, "https", admin, "/readyz")).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> get(untrusting, "http", admin, "/readyz")).isInstanceOf(IOException.class);
    } finally {
      await(vertx.close());
    }
  }

  private static HttpResponse<String> get(HttpClient client, String scheme, int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A client trusting the test CA, presenting the certificate of {@code keyStore} (null: none). */
  private static HttpClient client(TestPki pki, Path keyStore) throws Exception {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(pki.trustStore()));
    KeyManagerFactory keys = null;
    if (keyStore != null) {
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(keyStore), TestPki.PASSWORD.toCharArray());
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static KeyStore load(Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, TestPki.PASSWORD.toCharArray());
    }
    return store;
  }
}
