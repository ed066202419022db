package io.baton.core.log;

import io.baton.schemas.Schemas;
import io.baton.schemas.log.LogEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Avro single-object encoding of log entries (schema fingerprint + binary body). Entries written
 * under an earlier schema ({@code LogEntry-v1.avsc}: before ACLs) are read by Avro's schema
 * resolution, their new fields taking their defaults.
 */
public final class LogCodec {
  private static final String[] EARLIER_SCHEMAS = {"/io/baton/schemas/log/LogEntry-v1.avsc"};

  static {
    Schemas.trust();
    for (String resource : EARLIER_SCHEMAS) {
      try (java.io.InputStream in = LogCodec.class.getResourceAsStream(resource)) {
        LogEntry.getDecoder().addSchema(new org.apache.avro.Schema.Parser().parse(in));
      } catch (IOException | RuntimeException e) {
        throw new ExceptionInInitializerError("cannot load the earlier log schema " + resource + ": " + e);
      }
    }
  }

  private final BinaryMessageEncoder<LogEntry> encoder = LogEntry.getEncoder();
  private final BinaryMessageDecoder<LogEntry> decoder = LogEntry.getDecoder();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

  /** Encodes an entry; the returned array is fresh. Not thread-safe. */
  public byte[] encode(LogEntry entry) {
    buffer.reset();
    try {
      encoder.encode(entry, buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  /** Decodes an entry; throws {@link IOException} on a damaged or unknown payload. */
  public LogEntry decode(byte[] payload) throws IOException {
    try {
      return decoder.decode(ByteBuffer.wrap(payload));
    } catch (RuntimeException e) {
      throw new IOException("undecodable log entry: " + e, e);
    }
  }
}
