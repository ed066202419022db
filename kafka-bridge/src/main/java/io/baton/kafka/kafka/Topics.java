package io.baton.kafka.kafka;

import io.baton.kafka.BridgeConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Admin work of the bridge: creating its topics if they are missing (the checkpoint topic
 * compacted), and aborting its own hanging transactions.
 */
public final class Topics {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Topics.class);

  private Topics() {
  }

  private static Properties adminProperties(BridgeConfig config) {
    Properties p = new Properties();
    p.putAll(config.connection());
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "baton-bridge-" + config.bridgeId() + "-admin");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    return p;
  }

  /**
   * Aborts transactions of the producer id behind {@code transactionalId} that are still open on a partition of
   * {@code topics} although the coordinator has finished with them (call right after
   * {@code initTransactions}, when no transaction of the new epoch is open yet). A broker that
   * loses leadership of the partitions while it completes a commit (a single broker shutting down)
   * skips the markers ("partitions likely deleted") and records the transaction as complete: its
   * data then hangs open, holding back every read_committed consumer, until a later transaction of
   * the same producer id resolves it together with its own data. Aborting it lets the checkpoint
   * read see the partitions as they are; the entries of that transaction are published again from
   * the checkpoint. Returns the number of partitions resolved; on an authorization error logs and
   * returns -1 (the checkpoint read then waits, bounded).
   */
  public static int abortHangingTransactions(BridgeConfig config, String transactionalId, Collection<String> topics) {
    try (Admin admin = Admin.create(adminProperties(config))) {
      org.apache.kafka.clients.admin.TransactionDescription d = admin
          .describeTransactions(List.of(transactionalId)).description(transactionalId)
          .get(15, TimeUnit.SECONDS);
      if (d.state() == org.apache.kafka.clients.admin.TransactionState.ONGOING
          || d.state() == org.apache.kafka.clients.admin.TransactionState.PREPARE_COMMIT
          || d.state() == org.apache.kafka.clients.admin.TransactionState.PREPARE_ABORT) {
        return 0;
      }
      long producerId = d.producerId();
      List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
      admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS).forEach((name, td) ->
          td.partitions().forEach(pi -> parts.add(new org.apache.kafka.common.TopicPartition(name, pi.partition()))));
      org.apache.kafka.clients.admin.DescribeProducersResult producers = admin.describeProducers(parts);
      int resolved = 0;
      for (org.apache.kafka.common.TopicPartition tp : parts) {
        for (org.apache.kafka.clients.admin.ProducerState ps : producers.partitionResult(tp)
            .get(15, TimeUnit.SECONDS).activeProducers()) {
          if (ps.producerId() == producerId && ps.currentTransactionStartOffset().isPresent()
              && ps.producerEpoch() < d.producerEpoch()) {
            LOG.warn("bridge {}: aborting a hanging transaction (producer {} epoch {}) on {} from offset {}",
                config.bridgeId(), producerId, ps.producerEpoch(), tp, ps.currentTransactionStartOffset().getAsLong());
            admin.abortTransaction(new org.apache.kafka.clients.admin.AbortTransactionSpec(tp, producerId,
                (short) ps.producerEpoch(), ps.coordinatorEpoch().orElse(0))).all().get(15, TimeUnit.SECONDS);
            resolved++;
          }
        }
      }
      return resolved;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException
          || e.getCause() instanceof org.apache.kafka.common.errors.UnsupportedVersionException) {
        LOG.warn("bridge {}: cannot look for hanging transactions ({})", config.bridgeId(), e.getCause().toString());
        return -1;
      }
      throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException("looking for hanging transactions timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted");
    }
  }

  public static void ensure(BridgeConfig config, Collection<String> topics, Set<String> compacted) {
    try (Admin admin = Admin.create(adminProperties(config))) {
      Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : topics) {
        if (!existing.contains(t)) {
          NewTopic n = new NewTopic(t, Optional.of(config.topicPartitions()),
              config.replicationFactor() < 0 ? Optional.empty() : Optional.of(config.replicationFactor()));
          if (compacted.contains(t)) {
            n = new NewTopic(t, Optional.of(1),
                config.replicationFactor() < 0 ? Optional.empty() : Optional.of(config.replicationFactor()))
                .configs(Map.of("cleanup.policy", "compact"));
          }
          missing.add(n);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(15, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException("creating topics timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted");
    }
  }
}
