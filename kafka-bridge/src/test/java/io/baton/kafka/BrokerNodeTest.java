package io.baton.kafka;

import io.baton.kafka.support.InProcess;
import io.baton.kafka.support.KafkaFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test against the shared Kafka broker, with at most one in-process Baton node per test, closed after it. */
abstract class BrokerNodeTest {
  static KafkaFixture kafka;

  @TempDir
  Path dir;
  InProcess node;

  @BeforeAll
  static void broker() throws Exception {
    kafka = KafkaFixture.shared();
  }

  @AfterEach
  void closeNode() {
    if (node != null) {
      node.close();
    }
  }
}
