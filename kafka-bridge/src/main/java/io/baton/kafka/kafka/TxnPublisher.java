package io.baton.kafka.kafka;

import io.baton.kafka.BridgeConfig;
import io.baton.schemas.event.BridgeCheckpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's transactional producers: every batch of whole log entries is one Kafka transaction
 * holding the batch's records and the bridge's checkpoint (last zxid), so after any crash the
 * checkpoint says exactly which entries are published. Transactions run one at a time, taking turns
 * between two producers ({@link BridgeConfig#transactionalIds()}): a producer whose transaction has
 * just committed is held up by the broker until that transaction's markers are written (its next
 * produce is answered CONCURRENT_TRANSACTIONS and retried after 20 ms), while the other one's last
 * transaction ended a whole turn earlier. A transaction starts only after the previous one's commit
 * returned, so its records follow the previous ones in every partition and its checkpoint is never
 * committed ahead of an earlier one. {@link #open} runs {@code initTransactions} on both, which
 * fences an older instance with the same transactional ids and aborts its open transactions.
 *
 * <p>A broker that loses a partition while it writes a commit's markers (a single broker shutting
 * down) can leave that transaction's data open though its commit returned; the same producer's next
 * transaction resolves it, but a commit of the other producer in between would make the open data
 * unrecoverable (aborting it at the next start would drop entries behind a later checkpoint). So when
 * any connection of either producer closed since the last commit (a broker went away, or only an idle
 * connection was closed), the transaction is aborted once its records are written and made again on
 * the producer that committed last, as a single producer would. Not covered: a broker that goes
 * away after this check and before this commit, while the previous commit's markers are still being
 * written (they take about a millisecond; the check follows this transaction's whole flush), and the
 * bridge stopping before that producer's next turn.
 * Not thread-safe: one owner thread.
 */
public final class TxnPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TxnPublisher.class);
  private final BridgeConfig config;
  private final List<KafkaProducer<byte[], byte[]>> producers;
  private final Duration timeout;
  /** Index of the producer that runs the next transaction. */
  private int turn;
  /** Each producer's {@code connection-close-total} metric. */
  private final List<Metric> closeCounters = new ArrayList<>();
  /** Connections of the producers closed up to the last commit (or the open). */
  private double closedAtCommit;
  /** Index of the producer that committed last, -1 before the first commit. */
  private int lastCommitted = -1;
  private int remade;
  /** How long a checkpoint read waits for open transactions in the checkpoint topic to resolve. */
  private static final long STABLE_WAIT_MS = 90_000;

  /** Kafka refused this bridge for good (fenced by a newer instance, not authorized, too old a broker). */
  public static final class FatalKafkaException extends RuntimeException {
    public FatalKafkaException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private TxnPublisher(BridgeConfig config, List<KafkaProducer<byte[], byte[]>> producers) {
    this.config = config;
    this.producers = producers;
    for (KafkaProducer<byte[], byte[]> p : producers) {
      p.metrics().forEach((name, metric) -> {
        if (name.name().equals("connection-close-total") && name.group().equals("producer-metrics")) {
          closeCounters.add(metric);
        }
      });
    }
    if (closeCounters.size() != producers.size()) {
      throw new IllegalStateException("the Kafka producer has no producer-metrics connection-close-total metric");
    }
    this.timeout = Duration.ofMillis(Long.parseLong(String.valueOf(
        config.producer().getOrDefault("max.block.ms", "10000"))));
    this.closedAtCommit = closedConnections();
  }

  /** Producer properties for one of the transactional ids: the configured ones, plus what exactly-once needs. */
  public static Properties producerProperties(BridgeConfig config, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
    // a transaction carries up to maxBatchEntries records: large producer batches, few requests
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "524288");
    config.producer().forEach((k, v) -> {
      if (v != null) {
        p.put(k, v);
      }
    });
    // one client id per producer (its metrics and JMX registration), a configured one suffixed like the ids
    p.put(ProducerConfig.CLIENT_ID_CONFIG, config.producer().get("client.id") != null
        ? config.producer().get("client.id") + transactionalId.substring(config.transactionalIds().get(0).length())
        : transactionalId);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Consumer properties for reading the bridge's topics: connection settings, read_committed. */
  public static Properties consumerProperties(BridgeConfig config) {
    Properties p = new Properties();
    p.putAll(config.connection());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "baton-bridge-" + config.bridgeId() + "-checkpoint");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    config.consumer().forEach((k, v) -> {
      if (v != null) {
        p.put(k, v);
      }
    });
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** Creates the producers and initializes their transactions (fencing any older instance). */
  public static TxnPublisher open(BridgeConfig config) {
    List<KafkaProducer<byte[], byte[]>> producers = new ArrayList<>();
    try {
      for (String id : config.transactionalIds()) {
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(config, id));
        producers.add(producer);
        producer.initTransactions();
      }
      return new TxnPublisher(config, List.copyOf(producers));
    } catch (RuntimeException e) {
      closeAll(producers);
      throw classify(e);
    }
  }

  /** Fatal errors become {@link FatalKafkaException}; anything else is worth a retry later. */
  public static RuntimeException classify(RuntimeException e) {
    if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
        || e instanceof AuthorizationException || e instanceof UnsupportedVersionException) {
      return new FatalKafkaException(e.toString(), e);
    }
    if (e.getCause() instanceof ProducerFencedException) {
      return new FatalKafkaException(e.getCause().toString(), e);
    }
    return e;
  }

  /**
   * The last checkpoint of this bridge (read_committed, so only committed transactions count), or
   * null if it has none. Call after {@link #open}: it first waits until every transaction with data
   * in the checkpoint topic at that moment is resolved (the last stable offset reaches the high
   * watermark seen at the start), because a transaction of the previous instance whose commit was
   * under way when it died may be completed by the coordinator only after {@code initTransactions}
   * returned; reading before that would miss its checkpoint and publish its entries again.
   */
  public BridgeCheckpoint readCheckpoint() {
    Properties uncommitted = consumerProperties(config);
    uncommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config));
         KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(uncommitted)) {
      List<PartitionInfo> infos = consumer.partitionsFor(config.checkpointTopic(), timeout);
      if (infos == null || infos.isEmpty()) {
        return null;
      }
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo i : infos) {
        parts.add(new TopicPartition(i.topic(), i.partition()));
      }
      long deadline = System.nanoTime() + Duration.ofMillis(STABLE_WAIT_MS).toNanos();
      Map<TopicPartition, Long> highWatermarks = probe.endOffsets(parts, timeout);
      while (true) {
        Map<TopicPartition, Long> stable = consumer.endOffsets(parts, timeout);
        boolean resolved = true;
        for (TopicPartition tp : parts) {
          if (stable.get(tp) < highWatermarks.get(tp)) {
            resolved = false;
            break;
          }
        }
        if (resolved) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("transactions in " + config.checkpointTopic() + " still unresolved after "
              + STABLE_WAIT_MS + " ms");
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new org.apache.kafka.common.errors.InterruptException(e);
        }
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, timeout));
      byte[] key = config.bridgeId().getBytes(StandardCharsets.UTF_8);
      BridgeCheckpoint latest = null;
      deadline = System.nanoTime() + Math.max(timeout.toNanos(), Duration.ofSeconds(30).toNanos());
      while (true) {
        end.entrySet().removeIf(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
        if (end.isEmpty()) {
          return latest;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("reading the checkpoint topic " + config.checkpointTopic() + " timed out");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && Arrays.equals(r.key(), key) && r.value() != null) {
            latest = Records.decodeCheckpoint(r.value());
          }
        }
      }
    } catch (RuntimeException e) {
      throw classify(e);
    }
  }

  /**
   * Publishes one batch atomically: the records and the checkpoint, in one transaction of the
   * producer whose turn it is; the next batch goes to the other one. If a connection of either
   * producer closed since the last commit, the transaction is aborted and made again on the producer
   * that committed last (see the class comment). Throws if the transaction did not commit (then the
   * caller closes this publisher and starts over from the checkpoint: a new publisher's
   * initTransactions settles the open transaction).
   */
  public void commit(List<ProducerRecord<byte[], byte[]>> records, BridgeCheckpoint checkpoint) {
    try {
      KafkaProducer<byte[], byte[]> producer = producers.get(turn);
      AtomicReference<Exception> failed = send(producer, records, checkpoint);
      double closed = closedConnections();
      if (closed != closedAtCommit && lastCommitted >= 0 && lastCommitted != turn) {
        producer.abortTransaction();
        remade++;
        LOG.info("bridge {}: a connection to Kafka closed since the last commit; making the transaction again on the"
            + " producer that committed last, whose commit resolves any of its data a broker left open",
            config.bridgeId());
        turn = lastCommitted;
        producer = producers.get(turn);
        failed = send(producer, records, checkpoint);
      }
      producer.commitTransaction(); // throws, classified as Kafka reports it, if a send failed
      closedAtCommit = closed;
      lastCommitted = turn;
      turn = (turn + 1) % producers.size();
      if (failed.get() != null) {
        // commitTransaction throws when a send failed; this is only a guard
        throw new KafkaException("a record of the transaction failed", failed.get());
      }
    } catch (RuntimeException e) {
      throw classify(e);
    }
  }

  /** Begins a transaction on {@code producer}, sends the records and the checkpoint, and waits until they are written. */
  private AtomicReference<Exception> send(KafkaProducer<byte[], byte[]> producer,
                                          List<ProducerRecord<byte[], byte[]>> records, BridgeCheckpoint checkpoint) {
    AtomicReference<Exception> failed = new AtomicReference<>();
    Callback sent = (md, ex) -> {
      if (ex != null) {
        failed.compareAndSet(null, ex);
      }
    };
    producer.beginTransaction();
    for (ProducerRecord<byte[], byte[]> r : records) {
      producer.send(r, sent);
    }
    producer.send(Records.checkpoint(config.checkpointTopic(), checkpoint), sent);
    producer.flush();
    return failed;
  }

  /** Transactions aborted and made again on the producer that committed last, after a connection closed. */
  public int remade() {
    return remade;
  }

  /** Connections the producers have closed (their {@code connection-close-total} metrics). */
  private double closedConnections() {
    double closed = 0;
    for (Metric m : closeCounters) {
      closed += ((Number) m.metricValue()).doubleValue();
    }
    return closed;
  }

  private static void closeAll(List<KafkaProducer<byte[], byte[]>> producers) {
    for (KafkaProducer<byte[], byte[]> p : producers) {
      try {
        p.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("closing a producer failed", e);
      }
    }
  }

  @Override
  public void close() {
    closeAll(producers);
  }
}
