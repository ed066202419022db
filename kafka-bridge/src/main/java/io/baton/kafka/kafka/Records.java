package io.baton.kafka.kafka;

import io.baton.kafka.mapping.Mapped;
import io.baton.kafka.mapping.Route;
import io.baton.schemas.Schemas;
import io.baton.schemas.event.BatonEvent;
import io.baton.schemas.event.BridgeCheckpoint;
import io.baton.schemas.event.EventKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Kafka records of the bridge: values in Avro single-object encoding ({@code C3 01}, the schema's
 * CRC-64-AVRO fingerprint, the binary body), UTF-8 keys, and headers {@code baton.zxid} (decimal),
 * {@code baton.kind} (the event kind) and {@code baton.schema} (the fingerprint as 16 hex digits, its
 * bytes in the order the value carries them).
 */
public final class Records {
  public static final String ZXID_HEADER = "baton.zxid";
  public static final String KIND_HEADER = "baton.kind";
  public static final String SCHEMA_HEADER = "baton.schema";
  /** CRC-64-AVRO fingerprint of {@link BatonEvent}'s schema, as in every value's header. */
  public static final long EVENT_FINGERPRINT = SchemaNormalization.parsingFingerprint64(BatonEvent.getClassSchema());
  public static final long CHECKPOINT_FINGERPRINT =
      SchemaNormalization.parsingFingerprint64(BridgeCheckpoint.getClassSchema());
  private static final byte[] EVENT_FINGERPRINT_HEX = hex(EVENT_FINGERPRINT);
  private static final byte[] CHECKPOINT_FINGERPRINT_HEX = hex(CHECKPOINT_FINGERPRINT);

  static {
    Schemas.trust();
  }

  private Records() {
  }

  /** The fingerprint's 8 bytes in hex, in the order the value carries them (little-endian, as Avro writes it). */
  public static String fingerprintHex(long fingerprint) {
    return HexFormat.of().formatHex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array());
  }

  private static byte[] hex(long fingerprint) {
    return fingerprintHex(fingerprint).getBytes(StandardCharsets.US_ASCII);
  }

  /** Single-object encoding of an event. */
  public static byte[] encode(BatonEvent e) {
    try {
      return bytes(BatonEvent.getEncoder().encode(e));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static BatonEvent decodeEvent(byte[] value) {
    try {
      return BatonEvent.getDecoder().decode(value);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static byte[] encode(BridgeCheckpoint c) {
    try {
      return bytes(BridgeCheckpoint.getEncoder().encode(c));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static BridgeCheckpoint decodeCheckpoint(byte[] value) {
    try {
      return BridgeCheckpoint.getDecoder().decode(value);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.position() == 0 && b.remaining() == b.array().length) {
      return b.array();
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /**
   * The record of a routed event: data left out if the rule says so, or if the value would be
   * larger than {@code maxRecordBytes} (then {@code dataOmitted} is true).
   */
  public static ProducerRecord<byte[], byte[]> record(Route route, Mapped m, int maxRecordBytes) {
    BatonEvent e = m.event();
    if (!route.includeData() && e.getData() != null) {
      e = BatonEvent.newBuilder(e).setData(null).setDataOmitted(true).build();
    }
    byte[] value = encode(e);
    if (value.length > maxRecordBytes && e.getData() != null) {
      e = BatonEvent.newBuilder(e).setData(null).setDataOmitted(true).build();
      value = encode(e);
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(new RecordHeader(ZXID_HEADER, Long.toString(e.getZxid()).getBytes(StandardCharsets.US_ASCII)));
    headers.add(new RecordHeader(KIND_HEADER, e.getKind().name().getBytes(StandardCharsets.US_ASCII)));
    headers.add(new RecordHeader(SCHEMA_HEADER, EVENT_FINGERPRINT_HEX));
    return new ProducerRecord<>(route.topic(), null, m.key() == null ? null : m.key().getBytes(StandardCharsets.UTF_8),
        value, headers);
  }

  /** The checkpoint record of a bridge (key: the bridge id). */
  public static ProducerRecord<byte[], byte[]> checkpoint(String topic, BridgeCheckpoint c) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(new RecordHeader(ZXID_HEADER, Long.toString(c.getZxid()).getBytes(StandardCharsets.US_ASCII)));
    headers.add(new RecordHeader(SCHEMA_HEADER, CHECKPOINT_FINGERPRINT_HEX));
    return new ProducerRecord<>(topic, null, c.getBridgeId().getBytes(StandardCharsets.UTF_8), encode(c), headers);
  }

  /** A resync's {@code BEGIN} or {@code END} marker ({@code cause}) for {@code prefix} on {@code topic}. */
  public static ProducerRecord<byte[], byte[]> resyncMarker(String topic, String prefix, long zxid, long now,
                                                            String cause, int index) {
    BatonEvent e = BatonEvent.newBuilder().setZxid(zxid).setTime(now).setEntryIndex(index).setKind(EventKind.RESYNC)
        .setPath(prefix).setSession(0).setVersion(-1).setData(null).setDataOmitted(false).setCause(cause)
        .setRecipe(null).setName(null).setMemberId(null).setToken(null).setSessionTimeoutMs(null).setResync(true)
        .build();
    return record(new Route(prefix, null, topic, true), new Mapped(prefix, e), Integer.MAX_VALUE);
  }
}
