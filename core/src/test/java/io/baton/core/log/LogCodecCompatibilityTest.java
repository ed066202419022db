package io.baton.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.schemas.log.CreateTxn;
import io.baton.schemas.log.LogEntry;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** A log written before ACLs existed (schema v1) still reads: its creates are open to all. */
class LogCodecCompatibilityTest {
  @Test
  void anEntryOfTheFirstSchemaDecodesWithAnOpenAcl() throws Exception {
    Schema v1;
    try (InputStream in = getClass().getResourceAsStream("/io/baton/schemas/log/LogEntry-v1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    Schema createSchema = v1.getField("txn").schema().getTypes().get(0);
    GenericRecord create = new GenericData.Record(createSchema);
    create.put("path", "/old");
    create.put("data", ByteBuffer.wrap(new byte[] {7}));
    create.put("ephemeralOwner", 0L);
    create.put("parentCVersion", 1);
    GenericRecord entry = new GenericData.Record(v1);
    entry.put("zxid", 0x100000001L);
    entry.put("time", 1_000L);
    entry.put("txn", create);
    ByteBuffer written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(entry);
    byte[] bytes = new byte[written.remaining()];
    written.get(bytes);

    LogEntry read = new LogCodec().decode(bytes);
    assertThat(read.getZxid()).isEqualTo(0x100000001L);
    CreateTxn txn = (CreateTxn) read.getTxn();
    assertThat(txn.getPath()).isEqualTo("/old");
    assertThat(txn.getAcl()).isEmpty();
  }
}
