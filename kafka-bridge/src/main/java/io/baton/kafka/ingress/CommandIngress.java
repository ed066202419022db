package io.baton.kafka.ingress;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import io.baton.kafka.BridgeConfig;
import io.baton.kafka.KafkaBridge;
import io.baton.vertx.client.CoordinationClient;
import io.baton.vertx.client.impl.Transport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka ingress: reads protocol-v1 JSON commands (docs/protocol.md) from the commands topic, sends
 * each to Baton as is (a command runs in the session it names and proves with its {@code secret}, or sessionless), and writes the
 * answer to the reply topic (the request's {@code replyTo} header, else the configured one) with
 * the request's key and {@code correlationId} header:
 * <pre>
 *   {"ok": true, "reply": {...}}                        the command's reply
 *   {"ok": false, "code": -6, "error": "Unimplemented", "message": "unknown op 'x'"}
 * </pre>
 * A value that is not a JSON object gets MarshallingError (-5). Offsets are committed after the
 * replies are written: at-least-once, so a command may run twice after a crash (use versions or
 * {@code multi} checks to make writes idempotent). Commands of one poll are pipelined in order.
 *
 * <p>With {@code baton.auth} the ingress keeps a session of its own, authenticated as that identity
 * after every connect, and runs the commands that name no session in it (so they pass
 * {@code enforceAuth}), except the session ops ({@code openSession}, {@code closeSession},
 * {@code heartbeat}, {@code auth}), which go as they are; commands that name a session run in that
 * session, with its identities.
 */
public final class CommandIngress {
  private static final Logger LOG = LoggerFactory.getLogger(CommandIngress.class);
  public static final String CORRELATION_HEADER = "correlationId";
  public static final String REPLY_TO_HEADER = "replyTo";
  /** Ops about a session itself: never run in the ingress's own session (they would close or re-identify it). */
  private static final Set<String> SESSION_OPS = Set.of("openSession", "closeSession", "heartbeat", "auth");

  private final BridgeConfig config;
  private final Context context;
  private final Supplier<Future<Transport>> transports;
  private final KafkaBridge.Connector sessions;
  private volatile boolean running;
  private Thread worker;
  private Transport transport;
  private CoordinationClient own;
  private volatile long handled;
  private volatile Consumer<String> answered = result -> {
  };

  /**
   * @param transports connections for commands as they are
   * @param sessions   opens the ingress's own authenticated session for commands without one; null: none
   *                   (they are sent sessionless)
   */
  public CommandIngress(BridgeConfig config, Context context, Supplier<Future<Transport>> transports,
                        KafkaBridge.Connector sessions) {
    this.config = config;
    this.context = context;
    this.transports = transports;
    this.sessions = sessions;
  }

  public long handled() {
    return handled;
  }

  /** Called with each command's result ({@code ok} or the error's name) once its reply is sent. */
  public void onAnswered(Consumer<String> listener) {
    this.answered = listener;
  }

  public synchronized void start() {
    running = true;
    worker = new Thread(this::run, "baton-kafka-ingress-" + config.bridgeId());
    worker.setDaemon(true);
    worker.start();
  }

  public void stop(long timeoutMs) throws InterruptedException {
    running = false;
    Thread w;
    synchronized (this) {
      w = worker;
    }
    if (w != null) {
      w.join(timeoutMs);
    }
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.putAll(config.connection());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-bridge-" + config.bridgeId() + "-ingress");
    config.consumer().forEach((k, v) -> {
      if (v != null) {
        p.put(k, v);
      }
    });
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.ingressGroupId());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private Properties producerProperties() {
    Properties p = new Properties();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    config.producer().forEach((k, v) -> {
      if (v != null && !k.equals("transactional.id")) {
        p.put(k, v);
      }
    });
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "baton-bridge-" + config.bridgeId() + "-replies");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private void run() {
    long backoff = config.backoffInitialMs();
    while (running) {
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
           KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
        consumer.subscribe(List.of(config.commandsTopic()));
        while (running) {
          ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
          if (polled.isEmpty()) {
            continue;
          }
          process(consumer, producer, polled);
          backoff = config.backoffInitialMs();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("bridge {}: command ingress failed ({}); retrying in {} ms", config.bridgeId(), e.toString(), backoff);
        closeTransport();
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          return;
        }
        backoff = Math.min(backoff * 2, config.backoffMaxMs());
      }
    }
    closeTransport();
  }

  /**
   * Baton could not be reached, or the ingress's own session ({@code ownSession}: the command ran in
   * it) was lost or refused: the command was not answered and must be tried again.
   */
  private static boolean unreachable(Throwable t, boolean ownSession) {
    if (!(t instanceof BatonException be)) {
      return true;
    }
    if (ownSession && (be.code() == ErrorCode.SESSION_EXPIRED || be.code() == ErrorCode.CONNECTION_LOSS
        || be.code() == ErrorCode.AUTH_FAILED || be.code() == ErrorCode.SESSION_CLOSED_REQUIRE_AUTH)) {
      return true;
    }
    if (be.code() != ErrorCode.SYSTEM_ERROR) {
      return false;
    }
    String m = String.valueOf(be.getMessage());
    return m.contains("bridge connection closed") || m.contains("connection to the Baton bridge closed")
        || m.contains("cannot reach Baton") || m.contains("no Baton node at the address");
  }

  private void process(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                       ConsumerRecords<byte[], byte[]> polled) throws InterruptedException {
    Transport t = transport();
    List<ConsumerRecord<byte[], byte[]>> in = new ArrayList<>();
    List<Future<JsonObject>> answers = new ArrayList<>();
    List<Boolean> inOwnSession = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : polled) {
      in.add(r);
      inOwnSession.add(false);
      JsonObject command;
      try {
        command = new JsonObject(Buffer.buffer(r.value() == null ? new byte[0] : r.value()));
      } catch (RuntimeException e) {
        answers.add(Future.failedFuture(new BatonException(ErrorCode.MARSHALLING_ERROR,
            "command is not a JSON object: " + e.getMessage())));
        continue;
      }
      if (sessions != null && !command.containsKey("session")
          && !(command.getValue("op") instanceof String op && SESSION_OPS.contains(op))) {
        inOwnSession.set(in.size() - 1, true);
        answers.add(ownSession().request(command, config.commandTimeoutMs()));
      } else {
        answers.add(t.request(command, config.commandTimeoutMs()));
      }
    }
    for (int i = 0; i < in.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = in.get(i);
      JsonObject reply;
      String result = "ok";
      try {
        reply = new JsonObject().put("ok", true).put("reply",
            answers.get(i).toCompletionStage().toCompletableFuture().get(config.commandTimeoutMs() + 5_000,
                TimeUnit.MILLISECONDS));
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : new BatonException(
            ErrorCode.OPERATION_TIMEOUT, "no reply from Baton");
        if (unreachable(cause, inOwnSession.get(i))) {
          // not answered: commit what was; the next consumer starts again at this command
          producer.flush();
          commitUpTo(consumer, in, i);
          throw new IllegalStateException("Baton unreachable: " + cause);
        }
        BatonException be = (BatonException) cause;
        result = be.code().displayName();
        reply = new JsonObject().put("ok", false).put("code", be.code().value()).put("error", be.code().displayName())
            .put("message", stripCode(be));
      }
      producer.send(replyRecord(r, reply));
      handled++;
      answered.accept(result);
    }
    producer.flush();
    commitUpTo(consumer, in, in.size());
  }

  private static String stripCode(BatonException be) {
    String m = String.valueOf(be.getMessage());
    String prefix = be.code().displayName() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private static void commitUpTo(KafkaConsumer<byte[], byte[]> consumer, List<ConsumerRecord<byte[], byte[]>> in,
                                 int count) {
    java.util.Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new java.util.HashMap<>();
    for (int i = 0; i < count; i++) {
      ConsumerRecord<byte[], byte[]> r = in.get(i);
      offsets.put(new TopicPartition(r.topic(), r.partition()),
          new org.apache.kafka.clients.consumer.OffsetAndMetadata(r.offset() + 1));
    }
    if (!offsets.isEmpty()) {
      consumer.commitSync(offsets);
    }
  }

  private ProducerRecord<byte[], byte[]> replyRecord(ConsumerRecord<byte[], byte[]> request, JsonObject reply) {
    String topic = config.repliesTopic();
    RecordHeaders headers = new RecordHeaders();
    Header replyTo = request.headers().lastHeader(REPLY_TO_HEADER);
    if (replyTo != null && replyTo.value() != null && replyTo.value().length > 0) {
      topic = new String(replyTo.value(), StandardCharsets.UTF_8);
    }
    Header correlation = request.headers().lastHeader(CORRELATION_HEADER);
    if (correlation != null) {
      headers.add(CORRELATION_HEADER, correlation.value());
    }
    return new ProducerRecord<>(topic, null, request.key(), reply.toBuffer().getBytes(), headers);
  }

  private Transport transport() throws InterruptedException {
    if (transport == null) {
      Promise<Transport> p = Promise.promise();
      context.runOnContext(v -> transports.get().onComplete(p));
      try {
        transport = p.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("cannot reach Baton: " + e);
      }
    }
    return transport;
  }

  /** The ingress's own session, opened (and authenticated) on first use after a (re)connect. */
  private CoordinationClient ownSession() throws InterruptedException {
    if (own == null) {
      Promise<CoordinationClient> p = Promise.promise();
      context.runOnContext(v -> sessions.connect().onComplete(p));
      try {
        own = p.future().toCompletionStage().toCompletableFuture().get(config.sessionTimeoutMs() + 10_000L,
            TimeUnit.MILLISECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("cannot open the ingress's session on Baton: "
            + (e instanceof ExecutionException ? e.getCause() : e));
      }
    }
    return own;
  }

  private void closeTransport() {
    Transport t = transport;
    transport = null;
    if (t != null) {
      t.close();
    }
    CoordinationClient c = own;
    own = null;
    if (c != null) {
      c.close();
    }
  }
}
