package io.baton.core.session;

import io.baton.core.error.BatonException;
import io.baton.core.error.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session secrets: a session is used only by whoever proves its secret, {@code HMAC-SHA256(key, id)}
 * cut to {@link #BYTES} bytes (the length of ZooKeeper's session password). Nothing is stored per
 * session: every node holding the key computes the same secret, so a session resumes on any member.
 * A cluster derives the key from its shared secret; a lone node keeps a random one in its data
 * directory ({@link #FILE}, readable by its owner only), so secrets survive restarts.
 */
public final class SessionSecrets {
  /** Length of a session secret. */
  public static final int BYTES = 16;
  /** The key file of a lone node, inside its data directory. */
  public static final String FILE = "session.key";
  private static final String ALGORITHM = "HmacSHA256";
  private static final int KEY_BYTES = 32;

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private SessionSecrets(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** Secrets under {@code key} (at least 32 bytes). */
  public static SessionSecrets of(byte[] key) {
    if (key.length < KEY_BYTES) {
      throw new IllegalArgumentException("a session key needs at least " + KEY_BYTES + " bytes");
    }
    return new SessionSecrets(key.clone());
  }

  /** Secrets under the key kept in {@code dataDir} ({@link #FILE}), created at random if absent. */
  public static SessionSecrets load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] key = new byte[KEY_BYTES];
      new SecureRandom().nextBytes(key);
      Path tmp = dataDir.resolve(FILE + ".tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp);
      }
      Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII,
          StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      try {
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        Files.deleteIfExists(tmp);
      }
    }
    try {
      return of(HexFormat.of().parseHex(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " does not hold a session key of " + KEY_BYTES + " hex bytes; remove it to"
          + " make a new one (open sessions are then lost)", e);
    }
  }

  /** The secret of session {@code sessionId}. */
  public byte[] secret(long sessionId) {
    Mac mac = macs.get();
    byte[] full = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(sessionId).array());
    byte[] secret = new byte[BYTES];
    System.arraycopy(full, 0, secret, 0, BYTES);
    return secret;
  }

  /** Whether {@code secret} is session {@code sessionId}'s; compared in constant time. */
  public boolean proves(long sessionId, byte[] secret) {
    return secret != null && secret.length == BYTES && MessageDigest.isEqual(secret(sessionId), secret);
  }

  /** Fails with AuthFailed unless {@code secret} is session {@code sessionId}'s. */
  public void check(long sessionId, byte[] secret) {
    if (!proves(sessionId, secret)) {
      throw new BatonException(ErrorCode.AUTH_FAILED, (secret == null ? "no session secret given" : "wrong session"
          + " secret") + " for session 0x" + Long.toHexString(sessionId) + "; a session is used only with the secret"
          + " openSession returned");
    }
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "SessionSecrets[hidden]";
  }
}
