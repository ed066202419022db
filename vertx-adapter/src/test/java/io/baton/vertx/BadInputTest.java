package io.baton.vertx;

import static io.baton.vertx.TestSupport.await;
import static io.baton.vertx.TestSupport.replyFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.core.error.ErrorCode;
import io.baton.core.session.SessionSecrets;
import io.baton.vertx.api.Protocol;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed, wrong-typed and refused requests sent raw on the event bus: each gets the right error
 * code, writes nothing (the state digest is unchanged) and leaves the node serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private static final String ADDRESS = Protocol.DEFAULT_ADDRESS;
  private static final String HELLO = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));

  @TempDir
  static Path dataDir;

  private Vertx vertx;
  private String session;
  private SessionSecrets secrets;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    TestSupport.deploy(vertx, TestSupport.config(dataDir, "none").put("maxDataBytes", 1024));
    JsonObject opened = request(new JsonObject().put("op", "openSession").put("timeoutMs", 30_000));
    session = opened.getString("session");
    secrets = SessionSecrets.load(dataDir);
    assertThat(opened.getString("secret")).isEqualTo(secret(session));
    request(new JsonObject().put("op", "create").put("session", session).put("secret", secret(session))
        .put("path", "/a").put("data", HELLO));
  }

  @AfterAll
  void stop() throws Exception {
    await(vertx.close());
  }

  private JsonObject request(Object body) throws Exception {
    if (body instanceof JsonObject j && j.getValue("session") instanceof String id && !j.containsKey("secret")) {
      body = j.copy().put("secret", secret(id));
    }
    return await(vertx.eventBus().<JsonObject>request(ADDRESS, body)).body();
  }

  /** The secret of {@code session}; for a session that is not hex, any (the id is refused first). */
  private String secret(String session) {
    try {
      return java.util.HexFormat.of().formatHex(secrets.secret(Protocol.parseHex(session)));
    } catch (NumberFormatException e) {
      return "00";
    }
  }

  private JsonObject digest() throws Exception {
    return request(new JsonObject().put("op", "digest"));
  }

  /** A request body to send (raw object) and the reply failure code it must get. */
  Stream<Arguments> badRequests() {
    String big = Base64.getEncoder().encodeToString(new byte[1025]);
    return Stream.of(
        Arguments.of("not JSON", "not json", ErrorCode.MARSHALLING_ERROR),
        Arguments.of("JSON array text", "[1,2]", ErrorCode.MARSHALLING_ERROR),
        Arguments.of("truncated JSON text", "{\"op\":\"create\"", ErrorCode.MARSHALLING_ERROR),
        Arguments.of("non-JSON buffer", Buffer.buffer("\u0000\u0001garbage"), ErrorCode.MARSHALLING_ERROR),
        Arguments.of("integer body", 42, ErrorCode.MARSHALLING_ERROR),
        Arguments.of("missing op", json(), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("op not a string", json().put("op", 7), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("unknown op", json().put("op", "frobnicate"), ErrorCode.UNIMPLEMENTED),
        Arguments.of("protocol v99", json().put("v", 99).put("op", "getData").put("path", "/a"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("protocol v as string", json().put("v", "1").put("op", "getData").put("path", "/a"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("path is a number", json().put("op", "getData").put("path", 5), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("create path is a number", json().put("op", "create").put("path", 5), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("missing path", json().put("op", "setData").put("data", HELLO), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("version is a string", json().put("op", "setData").put("path", "/a").put("version", "x"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("version is fractional", json().put("op", "delete").put("path", "/a").put("version", 1.5),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("version beyond int", json().put("op", "delete").put("path", "/a").put("version", 1L << 40),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("watch is a string", json().put("op", "getData").put("path", "/a").put("watch", "yes"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("data is a number", json().put("op", "create").put("path", "/b").put("data", 12),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("data is not base64", json().put("op", "create").put("path", "/b").put("data", "!!notbase64"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("setData data not base64", json().put("op", "setData").put("path", "/a").put("data", "@@"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("text is a number", json().put("op", "create").put("path", "/b").put("text", 1),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("unknown create mode", json().put("op", "create").put("path", "/b").put("mode", "sideways"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("ttl mode without ttl", json().put("op", "create").put("path", "/b")
            .put("mode", "persistent_with_ttl"), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("ttl without ttl mode", json().put("op", "create").put("path", "/b").put("ttl", 1000),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("ephemeral without session", json().put("op", "create").put("path", "/b")
            .put("mode", "ephemeral"), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("relative path", json().put("op", "create").put("path", "a/b"), ErrorCode.INVALID_PATH),
        Arguments.of("path with trailing slash", json().put("op", "create").put("path", "/b/"),
            ErrorCode.INVALID_PATH),
        Arguments.of("path with empty segment", json().put("op", "getData").put("path", "//a"),
            ErrorCode.INVALID_PATH),
        Arguments.of("path with dot segment", json().put("op", "setData").put("path", "/a/../a"),
            ErrorCode.INVALID_PATH),
        Arguments.of("empty path", json().put("op", "exists").put("path", ""), ErrorCode.INVALID_PATH),
        Arguments.of("oversized create", json().put("op", "create").put("path", "/big").put("data", big),
            ErrorCode.TOO_LARGE),
        Arguments.of("oversized setData", json().put("op", "setData").put("path", "/a").put("data", big),
            ErrorCode.TOO_LARGE),
        Arguments.of("stale setData version", json().put("op", "setData").put("path", "/a").put("version", 7),
            ErrorCode.BAD_VERSION),
        Arguments.of("stale delete version", json().put("op", "delete").put("path", "/a").put("version", 3),
            ErrorCode.BAD_VERSION),
        Arguments.of("negative setData version", json().put("op", "setData").put("path", "/a").put("version", -5),
            ErrorCode.BAD_VERSION),
        Arguments.of("negative delete version", json().put("op", "delete").put("path", "/a").put("version", -2),
            ErrorCode.BAD_VERSION),
        Arguments.of("missing node", json().put("op", "getData").put("path", "/missing"), ErrorCode.NO_NODE),
        Arguments.of("delete missing node", json().put("op", "delete").put("path", "/missing"), ErrorCode.NO_NODE),
        Arguments.of("create existing node", json().put("op", "create").put("path", "/a"), ErrorCode.NODE_EXISTS),
        Arguments.of("unknown session create", json().put("op", "create").put("session", "0xdeadbeef")
            .put("path", "/b"), ErrorCode.SESSION_EXPIRED),
        Arguments.of("unknown session read", json().put("op", "getData").put("session", "0xdeadbeef")
            .put("path", "/a"), ErrorCode.SESSION_EXPIRED),
        Arguments.of("unknown session heartbeat", json().put("op", "heartbeat").put("session", "0xdeadbeef"),
            ErrorCode.SESSION_EXPIRED),
        Arguments.of("unknown session close", json().put("op", "closeSession").put("session", "0xdeadbeef"),
            ErrorCode.SESSION_EXPIRED),
        Arguments.of("no session secret", json().put("op", "getData").put("session", "0xdeadbeef")
            .put("secret", (String) null).put("path", "/a"), ErrorCode.AUTH_FAILED),
        Arguments.of("wrong session secret", json().put("op", "create").put("session", "0xdeadbeef")
            .put("secret", "00".repeat(16)).put("path", "/b").put("mode", "ephemeral"), ErrorCode.AUTH_FAILED),
        Arguments.of("another session's secret", json().put("op", "closeSession").put("session", "0xdeadbeef")
            .put("secret", "OTHER"), ErrorCode.AUTH_FAILED),
        Arguments.of("short session secret", json().put("op", "heartbeat").put("session", "0xdeadbeef")
            .put("secret", "00"), ErrorCode.AUTH_FAILED),
        Arguments.of("session secret not hex", json().put("op", "heartbeat").put("session", "0xdeadbeef")
            .put("secret", "zz"), ErrorCode.AUTH_FAILED),
        Arguments.of("session secret a number", json().put("op", "heartbeat").put("session", "0xdeadbeef")
            .put("secret", 7), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("session not hex", json().put("op", "getData").put("session", "nothex").put("path", "/a"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("session is an object", json().put("op", "getData").put("session", json()).put("path", "/a"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("closeSession without session", json().put("op", "closeSession"), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("openSession timeout not int", json().put("op", "openSession").put("timeoutMs", "soon"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("openStream without session", json().put("op", "openStream"), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("openStream from the future", json().put("op", "openStream").put("fromZxid", Long.MAX_VALUE),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("closeStream of unknown stream", json().put("op", "closeStream").put("stream", "nope"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("watch without session", json().put("op", "getData").put("path", "/a").put("watch", true),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("addWatch unknown mode", json().put("op", "addWatch").put("path", "/a").put("mode", "once"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("removeWatches with none", json().put("op", "removeWatches").put("path", "/a"),
            ErrorCode.NO_WATCHER),
        Arguments.of("removeWatches unknown type", json().put("op", "removeWatches").put("path", "/a")
            .put("type", "some"), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("delete root", json().put("op", "delete").put("path", "/"), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("multi without ops", json().put("op", "multi"), ErrorCode.BAD_ARGUMENTS),
        Arguments.of("multi ops not an array", json().put("op", "multi").put("ops", "create"),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("multi op not an object", json().put("op", "multi").put("ops", new JsonArray().add(5)),
            ErrorCode.BAD_ARGUMENTS),
        Arguments.of("multi unknown inner op", json().put("op", "multi").put("ops", new JsonArray()
            .add(json().put("op", "create").put("path", "/b")).add(json().put("op", "rename").put("path", "/a"))),
            ErrorCode.UNIMPLEMENTED),
        Arguments.of("multi with a failing op", json().put("op", "multi").put("ops", new JsonArray()
            .add(json().put("op", "create").put("path", "/b"))
            .add(json().put("op", "setData").put("path", "/a").put("version", 9))), ErrorCode.BAD_VERSION),
        Arguments.of("multi with an invalid path", json().put("op", "multi").put("ops", new JsonArray()
            .add(json().put("op", "create").put("path", "/b"))
            .add(json().put("op", "create").put("path", "b"))), ErrorCode.INVALID_PATH));
  }

  private static JsonObject json() {
    return new JsonObject();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badRequestIsRefusedAndWritesNothing(String name, Object body, ErrorCode expected) throws Exception {
    // requests that need a live session get this class's session
    if (body instanceof JsonObject j && !j.containsKey("session") && needsSession(j)) {
      body = j.copy().put("session", session);
    }
    if (body instanceof JsonObject j && j.getValue("session") instanceof String id) {
      if (!j.containsKey("secret")) { // the right secret: what is refused is something else
        body = j.copy().put("secret", secret(id));
      } else if ("OTHER".equals(j.getValue("secret"))) {
        body = j.copy().put("secret", secret(session));
      }
    }
    JsonObject before = digest();
    ReplyException e = replyFailure(vertx.eventBus().request(ADDRESS, body), expected.value());
    assertThat(e.getMessage()).startsWith(expected.displayName() + ": ");
    assertThat(digest()).isEqualTo(before);
    JsonObject good = request(new JsonObject().put("op", "getData").put("path", "/a"));
    assertThat(good.getString("data")).isEqualTo(HELLO);
    assertThat(good.getJsonObject("stat").getInteger("version")).isZero();
  }

  private static boolean needsSession(JsonObject j) {
    String op = j.getValue("op") instanceof String s ? s : "";
    return op.equals("closeStream") || op.equals("removeWatches")
        || (op.equals("openStream") && j.containsKey("fromZxid"));
  }

  @Test
  void failedMultiReportsFailedIndexAndPerOpResults() throws Exception {
    JsonObject before = digest();
    ReplyException e = replyFailure(vertx.eventBus().request(ADDRESS, json().put("op", "multi")
        .put("session", session).put("secret", secret(session)).put("ops", new JsonArray()
            .add(json().put("op", "check").put("path", "/a").put("version", 0))
            .add(json().put("op", "create").put("path", "/a/x"))
            .add(json().put("op", "delete").put("path", "/nope")))), ErrorCode.NO_NODE.value());
    String msg = e.getMessage();
    JsonObject detail = new JsonObject(msg.substring(msg.indexOf(" {\"failedIndex\"") + 1));
    assertThat(detail.getInteger("failedIndex")).isEqualTo(2);
    assertThat(detail.getJsonArray("results").stream().map(o -> ((JsonObject) o).getInteger("code")).toList())
        .containsExactly(0, 0, ErrorCode.NO_NODE.value());
    assertThat(digest()).isEqualTo(before);
  }

  @Test
  void goodRequestsChangeTheDigest() throws Exception {
    JsonObject before = digest();
    request(json().put("op", "setData").put("session", session).put("path", "/a").put("text", "hello"));
    JsonObject after = digest();
    assertThat(after.getLong("zxid")).isGreaterThan(before.getLong("zxid"));
    // same bytes again: only the version changes, so the digest still moves
    assertThat(after.getString("digest")).isNotEqualTo(before.getString("digest"));
    request(json().put("op", "setData").put("session", session).put("path", "/a").put("data", HELLO)
        .put("version", 1));
    // restore version 0 for the other tests: recreate /a
    request(json().put("op", "delete").put("session", session).put("path", "/a"));
    request(json().put("op", "create").put("session", session).put("path", "/a").put("data", HELLO));
    JsonObject info = request(json().put("op", "info"));
    assertThat(info.getString("durability")).isEqualTo("none");
    assertThat(info.getInteger("protocol")).isEqualTo(Protocol.VERSION);
  }
}
