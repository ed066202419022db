package io.baton.kafka.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.kafka.kafka.Records;
import io.baton.schemas.event.BatonEvent;
import io.baton.schemas.event.EventKind;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;

/** The published schema, the single-object encoding and the evolution rules. */
class SchemaTest {
  @Test
  void publishedSchemaIsTheOneRecordsUse() throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("avro/BatonEvent.avsc")) {
      Schema published = new Schema.Parser().parse(in);
      assertThat(SchemaNormalization.parsingFingerprint64(published)).isEqualTo(Records.EVENT_FINGERPRINT);
    }
    BatonEvent e = BatonEvent.newBuilder().setZxid(5).setTime(6).setKind(EventKind.LOCK_GRANTED).setToken(9L).build();
    byte[] bytes = Records.encode(e);
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong())
        .isEqualTo(Records.EVENT_FINGERPRINT);
    assertThat(Records.decodeEvent(bytes)).isEqualTo(e);
  }

  @Test
  void aRecordOfAnOlderSchemaReadsWithDefaults() throws Exception {
    io.baton.schemas.Schemas.trust(); // Avro instantiates generated classes only from trusted packages
    // an "older" writer without most optional fields: new readers fill in the defaults
    Schema old = new Schema.Parser().parse("""
        {"type":"record","name":"BatonEvent","namespace":"io.baton.schemas.event","fields":[
          {"name":"zxid","type":"long"},{"name":"time","type":"long"},
          {"name":"kind","type":{"type":"enum","name":"EventKind","symbols":["UNKNOWN","NODE_CREATED"],"default":"UNKNOWN"}},
          {"name":"path","type":["null","string"],"default":null}]}""");
    GenericRecord r = new GenericData.Record(old);
    r.put("zxid", 1L);
    r.put("time", 2L);
    r.put("kind", new GenericData.EnumSymbol(old.getField("kind").schema(), "NODE_CREATED"));
    r.put("path", "/x");
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(r);
    BinaryMessageDecoder<BatonEvent> decoder = BatonEvent.createDecoder(null);
    decoder.addSchema(old);
    BatonEvent e = decoder.decode(bytes);
    assertThat(e.getKind()).isEqualTo(EventKind.NODE_CREATED);
    assertThat(e.getPath()).isEqualTo("/x");
    assertThat(e.getVersion()).isEqualTo(-1);
    assertThat(e.getResync()).isFalse();
    assertThat(e.getToken()).isNull();
  }

  @Test
  void thePublishedSchemaFilesAreTheOnesTheBridgeIsBuiltWith() throws Exception {
    for (String name : java.util.List.of("BatonEvent.avsc", "BridgeCheckpoint.avsc")) {
      String source = java.nio.file.Files.readString(java.nio.file.Path.of("..", "schemas", "src", "main", "avro", name));
      assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "schemas", name)))
          .as("docs/schemas/%s", name).isEqualTo(source);
      try (var in = SchemaTest.class.getClassLoader().getResourceAsStream("avro/" + name)) {
        assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).as("avro/%s in the jar", name)
            .isEqualTo(source);
      }
    }
    // the fingerprint a consumer computes from the file is the one in every record
    assertThat(org.apache.avro.SchemaNormalization.parsingFingerprint64(new Schema.Parser().parse(
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "schemas", "BatonEvent.avsc")))))
        .isEqualTo(Records.EVENT_FINGERPRINT);
  }
}
